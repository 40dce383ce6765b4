"""Rule ``table-without-primary-key``: a table that ends without a primary key."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import birth_location
from pgconsolidate.rules.registry import Hit, RuleContext, rule


@rule(
    id="table-without-primary-key",
    severity=Severity.WARNING,
    help="Add a primary key (`ALTER TABLE t ADD PRIMARY KEY (...)`, or an identity column `id bigint "
    "GENERATED ALWAYS AS IDENTITY PRIMARY KEY`).",
)
def table_without_primary_key(ctx: RuleContext) -> Iterator[Hit]:
    """A table that, in the final state, has no primary key.

    Rows cannot be addressed reliably: duplicates creep in, logical replication and Supabase Realtime
    cannot publish updates and deletes (``REPLICA IDENTITY``), and moving data between tables during a
    consolidation cannot tell a copied row from a new one.
    """
    table_keys = ctx.table_keys
    for table, detail in ctx.tables:
        if detail.partition_of or table_keys(table).primary_key:
            continue
        yield Hit(f"table {table.id} has no primary key", birth_location(table), objects=(table.id,))
