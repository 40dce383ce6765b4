"""Rule ``dimensionless-vector-index``: an hnsw/ivfflat index on a vector column without dimensions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pgconsolidate.model.types import Action, IndexDef, ObjectKind
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import loc, order_key, type_at
from pgconsolidate.rules.registry import Hit, RuleContext, rule

_CAST = re.compile(r"::\s*((?:\w+\.)?(?:vector|halfvec|sparsevec)(?:\(\s*\d+\s*\))?)\)?\s*$", re.I)
_VECTORS = ("vector", "halfvec", "sparsevec")
_ANN = ("hnsw", "ivfflat")


@rule(
    id="dimensionless-vector-index",
    severity=Severity.ERROR,
    help="Index an expression with a fixed dimension, per model: `USING hnsw ((embedding::vector(1536)) "
    "vector_cosine_ops) WHERE embedding_dim = 1536`, or give the column a dimension.",
)
def dimensionless_vector_index(ctx: RuleContext) -> Iterator[Hit]:
    """An hnsw or ivfflat index on a ``vector`` column (or cast) that has no dimension.

    pgvector needs the dimension to build an ANN index: ``CREATE INDEX ... USING hnsw (embedding
    vector_cosine_ops)`` on a column declared as plain ``vector`` fails with ``22023 column does not
    have dimensions``. It typically follows an ``ALTER COLUMN ... TYPE vector`` meant to allow several
    embedding models. A partial expression index with a cast to ``vector(N)`` is valid and not reported.
    """
    schema, order = ctx.schema, ctx.file_index()
    ann = []
    for state in ctx.of_kind(ObjectKind.INDEX, existing=False):
        for e in state.events:  # any event defining an ANN index (a loop: no generator per index)
            d = e.detail
            if isinstance(d, IndexDef) and d.method.lower() in _ANN:
                ann.append(state)
                break
    for index in sorted(ann, key=lambda s: s.id):
        for e in index.events:
            d = e.detail
            if e.action != Action.CREATE or not isinstance(d, IndexDef):
                continue
            if d.method.lower() not in _ANN:
                continue
            for key in d.columns:
                column = schema.get(f"{d.table}.{key}")
                if column is not None and column.kind == ObjectKind.COLUMN:
                    typed = type_at(column, order_key(e, order), order)
                    if typed is None or typed[0].name not in _VECTORS or typed[0].vector_dims is not None:
                        continue
                    what, type_text = key, typed[0].display
                else:
                    m = _CAST.search(key)
                    if m is None or "(" in m.group(1):
                        continue
                    type_text = m.group(1).lower()
                    what = f"(... ::{type_text})"
                yield Hit(
                    f"ANN index {index.id} on {what} of type {type_text} (no dimensions at this point): "
                    "fails with 'column does not have dimensions'",
                    loc(e),
                    objects=(index.id,),
                )
