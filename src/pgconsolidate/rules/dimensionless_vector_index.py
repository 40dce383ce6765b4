"""Rule ``dimensionless-vector-index``: an hnsw/ivfflat index on a vector column without dimensions."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.registry import Hit, RuleContext, rule


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
    for iid, column, type_text, where in ctx.state.dimensionless_indexes:
        yield Hit(
            f"ANN index {iid} on {column} of type {type_text} (no dimensions at this point): fails with "
            "'column does not have dimensions'",
            where,
            objects=(iid,),
        )
