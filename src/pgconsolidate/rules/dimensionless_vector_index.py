"""Rule ``dimensionless-vector-index``: an hnsw/ivfflat index on a vector column without dimensions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pgconsolidate.model.types import Action, ColumnDef, IndexDef, ObjectKind, ObjectState, TypeRef
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import loc, order_key, type_at
from pgconsolidate.rules.registry import Hit, RuleContext, new_hit, rule

_CAST = re.compile(r"::\s*((?:\w+\.)?(?:vector|halfvec|sparsevec)(?:\(\s*\d+\s*\))?)\)?\s*$", re.I)
_VECTORS = ("vector", "halfvec", "sparsevec")
_ANN = ("hnsw", "ivfflat")
_CREATE = Action.CREATE
_COLUMN = ObjectKind.COLUMN


def _dimensionless(t: object) -> bool:
    """True for a vector type without dimensions."""
    return isinstance(t, TypeRef) and t.name in _VECTORS and t.vector_dims is None


def may_lack_dimensions(column: ObjectState) -> bool:
    """False when no type the column ever had (at a create, or an ALTER ... TYPE) is a vector type
    without dimensions: then its type is never dimensionless, whenever an index is made on it (the
    common case, checked without replaying its timeline)."""
    for e in column.events:
        d = e.detail
        if type(d) is ColumnDef:
            if _dimensionless(d.type):
                return True
        elif _dimensionless(getattr(d, "value", None)):
            return True
    return False


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
    ann_method: dict[str, bool] = {}  # index method as written → an ANN method (a handful of spellings)
    # the indexes in any order: the runner sorts the findings
    for index in ctx.by_kind.get(ObjectKind.INDEX, ()):
        for e in index.events:
            d = e.detail
            if e.action != _CREATE or type(d) is not IndexDef:
                continue
            method = d.method
            is_ann = ann_method.get(method)
            if is_ann is None:
                is_ann = ann_method[method] = method.lower() in _ANN
            if not is_ann:
                continue
            for key in d.columns:
                column = schema.get(f"{d.table}.{key}")
                if column is not None and column.kind == _COLUMN:
                    if not may_lack_dimensions(column):
                        continue
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
                yield new_hit(
                    f"ANN index {index.id} on {what} of type {type_text} (no dimensions at this point): "
                    "fails with 'column does not have dimensions'",
                    loc(e),
                    objects=(index.id,),
                )
