"""Rule ``vector-dimension-conflict``: related vectors disagree on dimensions."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from pgconsolidate.model.types import Action, ColumnDef, ObjectKind, ObjectState, TypeRef
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.model_view import (
    column_location,
    definition,
    loc,
    type_timeline,
)
from pgconsolidate.rules.registry import Hit, RuleContext, rule

_VECTORS = ("vector", "halfvec", "sparsevec")
_VECTOR_NAMES = frozenset(_VECTORS)
_CREATES = (Action.CREATE, Action.CREATE_OR_REPLACE)


def vector_dimension(t: TypeRef) -> tuple[str, int | None] | None:
    """(vector type, dimension or None) for a pgvector type, else None."""
    if t.name not in _VECTORS or t.array_dims:
        return None
    return t.name, t.vector_dims


_WORD = re.compile(r"[a-z_][a-z0-9_]*")
_DIGITS = "0123456789"
#: ``bytes.translate`` table: ``[a-z0-9_]`` kept, every other byte a space (text lower-cased before)
_WORD_BYTES = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz_" + _DIGITS else 32 for c in range(256))
#: a run of word characters that starts with a digit and holds a letter or ``_`` after its digits
_DIGIT_LED_WORD = re.compile(rb" [0-9]+[a-z_]")


def body_words(body: str) -> set[str]:
    """The words ``[a-z_][a-z0-9_]*`` finds in ``body.lower()``, plus runs made of ASCII digits only
    (callers skip names that start with a digit): one translate and one split, several times faster than
    the regular expression on function bodies. The pattern finds one word per run of ``[a-z0-9_]``: the
    run itself, or, after leading digits, the rest of it; runs of that second kind (``1e5``) are rare, and
    a body holding one is read with the pattern instead. Non-ASCII characters separate words in both (the
    class is ASCII), so the lower-cased text is encoded and every byte out of the class made a space."""
    lower = body.lower()
    spaced = (" " + lower).encode("utf-8", "surrogatepass").translate(_WORD_BYTES)
    if _DIGIT_LED_WORD.search(spaced) is not None:
        return set(_WORD.findall(lower))
    return set(spaced.decode("ascii").split())


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
    # one pass over the columns: the ones with an ALTER ... TYPE event (only they can change their
    # dimension), and the existing vector columns of each table (in the schema's order, as
    # ``columns_of`` lists them)
    alter = Action.ALTER
    altered = []
    by_table: dict[str, list[tuple[ObjectState, ColumnDef]]] = {}
    vectors = _VECTOR_NAMES
    for c in ctx.by_kind.get(ObjectKind.COLUMN, ()):
        events = c.events
        if len(events) > 1 and any(
            e.action == alter and getattr(e.detail, "attribute", None) == "type" for e in events
        ):
            altered.append(c)
        cd = c.detail
        if (
            isinstance(cd, ColumnDef)
            and (ct := cd.type).name in vectors
            and not ct.array_dims
            and c.exists
            and c.parent is not None
        ):
            group = by_table.get(c.parent)
            if group is None:
                group = by_table[c.parent] = []
            group.append((c, cd))
    for column in sorted(altered, key=lambda s: s.id):
        previous = None
        for e, t in type_timeline(column):
            if previous is not None and t is not None and e.action == Action.ALTER:
                old, before_event = previous
                vo, vn = vector_dimension(old), vector_dimension(t)
                if vo is not None and vn is not None and vo[1] != vn[1]:
                    before = loc(before_event)
                    yield Hit(
                        f"{column.id} changes from {old} (at {before}) to {t}: dimension "
                        f"{_dim(vo[1])} → {_dim(vn[1])}",
                        loc(e),
                        (before,),
                        (column.id,),
                    )
            previous = (t, e) if t is not None else None  # its location is made only when reported
    # function parameters with a dimension vs the vector columns their body reads
    # the vector columns of each table, by table id in ``ctx.tables`` order
    vector_columns: dict[str, list[tuple[ObjectState, ColumnDef]]] = {}
    if by_table:
        for table, _detail in ctx.tables:
            vcols = by_table.get(table.id)
            if vcols:
                vector_columns[table.id] = vcols
    by_short: dict[str, list[str]] = defaultdict(list)
    for tid in vector_columns:
        by_short[tid.split(".")[-1]].append(tid)
    for fn, detail in ctx.routines:
        if not detail.body:
            continue
        for a in detail.args:  # a vector argument: what the test below needs, without its dimension
            if a.type.name in vectors:
                break
        else:
            continue
        dims = {
            t
            for a in detail.args
            # vector_dimension(t) with a dimension, without building the pair
            if (t := a.type).name in vectors
            and not t.array_dims
            and t.vector_dims is not None
            and a.in_signature
        }
        if not dims or not detail.body:
            continue
        words = body_words(detail.body)
        created = definition(fn)
        where = loc(created) if created is not None else Location("")
        named = sorted(n for n in words & by_short.keys() if n[0] not in _DIGITS)
        for tid in (t for name in named for t in by_short[name]):
            for col, cd in vector_columns[tid]:
                vd = vector_dimension(cd.type)
                if vd is None or cd.name not in words or cd.name[0] in _DIGITS:
                    continue
                for arg_type in sorted(dims, key=str):
                    ad = vector_dimension(arg_type)
                    if ad is not None and ad[1] != vd[1]:
                        yield Hit(
                            f"{fn.id} takes {arg_type} but reads {col.id} of type {cd.type}",
                            where,
                            (column_location(col),),
                            (fn.id, col.id),
                        )
    # vector columns that share a name (embedding, ...) across tables, with different dimensions
    # the columns of each name first (their dimensions), their locations only for the names reported
    by_name: dict[str, list[tuple[ObjectState, int | None]]] = defaultdict(list)
    for table_cols in vector_columns.values():
        for col, cd in table_cols:
            # a vector type without array dimensions (by_table holds no other)
            by_name[cd.name].append((col, cd.type.vector_dims))
    for name, named_cols in sorted(by_name.items()):
        found_dims = {d for _, d in named_cols}
        if len(found_dims) < 2:
            continue
        cols = [(col.id, d, _column_location(col)) for col, d in named_cols]
        # a few examples of each other dimension, computed once per dimension (tables can be many)
        samples: dict[int | None, list[tuple[str, int | None, Location]]] = defaultdict(list)
        for sample in cols:
            if len(samples[sample[1]]) < 5:
                samples[sample[1]].append(sample)
        # the message's tail and the related locations depend on the dimension only
        told: dict[int | None, tuple[str, tuple[Location, ...]]] = {}
        for d in samples:
            others = [c for od, group in samples.items() if od != d for c in group][:5]
            told[d] = (
                f"while other {name!r} columns have other dimensions: "
                + ", ".join(f"{o} ({_dim(od)})" for o, od, _ in others),
                tuple(w for _, _, w in others),
            )
        # the message after the column's id, by dimension
        said = {d: (f" has dimension {_dim(d)} {tail}", related) for d, (tail, related) in told.items()}
        info = Severity.INFO
        for cid, d, where in cols:
            tail, related = said[d]
            yield Hit(cid + tail, where, related, (cid,), severity=info)


def _column_location(column: ObjectState) -> Location:
    """:func:`~pgconsolidate.rules.model_view.column_location`, without the type timeline for a column
    whose only event is its creation (most are): that creation's location."""
    events = column.events
    if len(events) == 1:
        e = events[0]
        if e.action in _CREATES and isinstance(e.detail, ColumnDef):
            ref = e.ref
            return Location(ref.file, ref.line, ref.column)
    return column_location(column)
