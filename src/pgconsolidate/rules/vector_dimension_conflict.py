"""Rule ``vector-dimension-conflict``: related vectors disagree on dimensions."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.rules.state import Table, vector_dimension


def _dim(d: int | None) -> str:
    return str(d) if d is not None else "none"


@rule(
    id="vector-dimension-conflict",
    severity=Severity.WARNING,
    help="Pick one dimension per embedding model and declare it everywhere (columns, function parameters and "
    "results); for several models keep one column per model or a dimension column with per-dimension "
    "expression indexes.",
)
def vector_dimension_conflict(ctx: RuleContext) -> Iterator[Hit]:
    """A vector column, parameter or result whose dimension disagrees with a related one.

    Reported: an ``ALTER COLUMN ... TYPE`` that changes a vector's dimension or removes it (existing ANN
    indexes are dropped, inserts of the old size fail or stop being indexable); in the final state,
    function parameters declared ``vector(N)`` while a vector column the function body reads has another
    dimension (or none); and (as info) same-named vector columns of different tables with different
    dimensions. Embeddings of different sizes cannot be compared: a query vector of 768 dimensions against
    1536-dimension rows fails with ``different vector dimensions``.
    """
    state = ctx.state
    for column, old, new, where, before in state.column_type_changes:
        vo, vn = vector_dimension(old), vector_dimension(new)
        if vo is None or vn is None or vo[1] == vn[1]:
            continue
        yield Hit(
            f"{column} changes from {old} (at {before}) to {new}: dimension {_dim(vo[1])} → {_dim(vn[1])}",
            where,
            (before,),
            (column,),
        )
    # function parameters with a dimension vs the vector columns their body reads
    by_short: dict[str, list[Table]] = defaultdict(list)
    for table in state.tables.values():
        if any(vector_dimension(c.type) is not None for c in table.columns.values()):
            by_short[table.id.split(".")[-1]].append(table)
    for fn in sorted(state.functions.values(), key=lambda f: f.id):
        dims = {
            a.full_type for a in fn.in_args if (vector_dimension(a.full_type) or ("", None))[1] is not None
        }
        if not dims or not fn.body:
            continue
        words = set(re.findall(r"[a-z_][a-z0-9_]*", fn.body.lower()))
        for table in (t for name in sorted(words & by_short.keys()) for t in by_short[name]):
            for col in table.columns.values():
                vd = vector_dimension(col.type)
                if vd is None or col.name not in words:
                    continue
                for arg_type in sorted(dims):
                    ad = vector_dimension(arg_type)
                    if ad is not None and ad[1] != vd[1]:
                        yield Hit(
                            f"{fn.id} takes {arg_type} but reads {table.id}.{col.name} of type {col.type}",
                            fn.location,
                            (col.location,),
                            (fn.id, f"{table.id}.{col.name}"),
                        )
    # vector columns that share a name (embedding, ...) across tables, with different dimensions
    by_name: dict[str, list[tuple[str, int | None, Location]]] = defaultdict(list)
    for table in state.tables.values():
        for col in table.columns.values():
            vd = vector_dimension(col.type)
            if vd is not None:
                by_name[col.name].append((f"{table.id}.{col.name}", vd[1], col.location))
    for name, cols in sorted(by_name.items()):
        found_dims = {d for _, d, _ in cols}
        if len(found_dims) < 2:
            continue
        # a few examples of each other dimension, computed once per dimension (tables can be many)
        samples: dict[int | None, list[tuple[str, int | None, Location]]] = defaultdict(list)
        for sample in cols:
            if len(samples[sample[1]]) < 5:
                samples[sample[1]].append(sample)
        for cid, d, where in cols:
            others = [c for od, group in samples.items() if od != d for c in group][:5]
            yield Hit(
                f"{cid} has dimension {_dim(d)} while other {name!r} columns have other dimensions: "
                + ", ".join(f"{o} ({_dim(od)})" for o, od, _ in others),
                where,
                tuple(w for _, _, w in others),
                (cid,),
                severity=Severity.INFO,
            )
