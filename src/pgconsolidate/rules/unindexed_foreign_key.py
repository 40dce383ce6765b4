"""Rule ``unindexed-foreign-key``: a foreign key whose columns no index starts with."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import ConstraintDef
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.model_view import TableKeys
from pgconsolidate.rules.registry import Hit, RuleContext, new_hit, rule


def leading_columns(keys: TableKeys) -> list[tuple[str, ...]]:
    """Column lists of every index of a table (explicit indexes, primary key, unique constraints)."""
    out: list[tuple[str, ...]] = [ix.columns for ix in keys.indexes]
    if keys.primary_key:
        out.append(keys.primary_key)
    out.extend(keys.unique_keys)
    return out


def covered(columns: tuple[str, ...], keys: list[tuple[str, ...]]) -> bool:
    """True when some index's leading columns are exactly ``columns`` (in any order)."""
    n = len(columns)
    if n == 1:  # the common case: some index starts with the column
        first = columns[0]
        return any(k and k[0] == first for k in keys)
    wanted = set(columns)
    return any(len(k) >= n and set(k[:n]) == wanted for k in keys)


def _fk_order(fk: tuple[ConstraintDef, Location]) -> tuple[str, int, int, str]:
    """Foreign keys by where they were created (a :class:`Location`'s order, without comparing the
    records), then by name."""
    where = fk[1]
    return where.file, where.line, where.column, fk[0].name


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
    table_keys = ctx.table_keys
    for table, _detail in ctx.tables:
        keys: TableKeys = table_keys(table)
        fks = keys.foreign_keys
        if not fks:
            continue
        leading = leading_columns(keys)
        tid = table.id
        for fk, where in sorted(fks, key=_fk_order) if len(fks) > 1 else fks:
            columns = fk.columns
            if not columns or covered(columns, leading):
                continue
            cols = ", ".join(columns)
            yield new_hit(
                f"foreign key {tid}({cols}) → {fk.ref_table} has no index starting with ({cols})",
                where,
                (),
                tuple([f"{tid}.{c}" for c in columns]),
            )
