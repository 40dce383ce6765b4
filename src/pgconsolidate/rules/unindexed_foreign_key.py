"""Rule ``unindexed-foreign-key``: a foreign key whose columns no index starts with."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.rules.state import State, Table


def indexes_by_table(state: State) -> dict[str, list[tuple[str | None, ...]]]:
    """Column lists of the explicit indexes, by table."""
    out: dict[str, list[tuple[str | None, ...]]] = {}
    for ix in state.indexes.values():
        out.setdefault(ix.table, []).append(ix.columns)
    return out


def leading_columns(
    state: State, table: Table, by_table: dict[str, list[tuple[str | None, ...]]] | None = None
) -> list[tuple[str | None, ...]]:
    """Column lists of every index of ``table`` (explicit indexes, primary key, unique constraints)."""
    by_table = by_table if by_table is not None else indexes_by_table(state)
    keys: list[tuple[str | None, ...]] = list(by_table.get(table.id, ()))
    if table.primary_key:
        keys.append(table.primary_key)
    keys.extend(table.unique_keys)
    return keys


def covered(columns: tuple[str, ...], keys: list[tuple[str | None, ...]]) -> bool:
    """True when some index's leading columns are exactly ``columns`` (in any order)."""
    n = len(columns)
    return any(len(k) >= n and set(k[:n]) == set(columns) for k in keys)


@rule(
    id="unindexed-foreign-key",
    severity=Severity.WARNING,
    help="CREATE INDEX IF NOT EXISTS on the foreign key column(s) (in a migration outside a transaction, "
    "CONCURRENTLY, for a large table).",
)
def unindexed_foreign_key(ctx: RuleContext) -> Iterator[Hit]:
    """A foreign key whose columns are not the leading columns of any index.

    Every DELETE or key UPDATE on the referenced table scans the referencing table to check or cascade,
    and joins along the key cannot use an index. With ``ON DELETE CASCADE`` on a large table this turns
    deleting one user into a sequential scan per referencing table, holding locks.
    """
    state = ctx.state
    by_table = indexes_by_table(state)
    for table in sorted(state.tables.values(), key=lambda t: t.id):
        keys = leading_columns(state, table, by_table)
        for fk in table.foreign_keys:
            if not fk.columns or covered(fk.columns, keys):
                continue
            cols = ", ".join(fk.columns)
            yield Hit(
                f"foreign key {table.id}({cols}) → {fk.ref_table} has no index starting with ({cols})",
                fk.location,
                objects=tuple(f"{table.id}.{c}" for c in fk.columns),
            )
