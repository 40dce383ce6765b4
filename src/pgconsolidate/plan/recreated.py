"""Tables the old chain drops and creates again without carrying their rows, and what a consolidation
does with them (pure).

The rule ``table-recreated`` finds them in the object model (``rules.table_recreated.find_recreated``).
The consolidation never runs such a DROP: the clean set creates the final table once, and the fix leaves
a database's tables alone unless the plan merges them. So what happens to the rows depends on the
database, and the fix and REPORT.md say so for each table:

* a database where the dropping file already ran lost those rows then; nothing here brings them back
  (a backup older than that file does);
* a database where it has not run still has the table and its rows: the fix keeps them where they
  are (it does not move them into the table that replaced it; a ``[[merge]]`` in the plan does).
"""

from __future__ import annotations

from dataclasses import dataclass

from pgconsolidate.model.types import Analysis
from pgconsolidate.plan.facts import DataFacts


@dataclass(frozen=True)
class RecreatedTable:
    table: str
    dropped_at: str  # file:line of the DROP
    created_at: str  # file:line of the CREATE that stands in for it
    successor: str | None  # the table under another name that replaced it (None: the same name)
    shared: tuple[str, ...]  # columns both have
    live_rows: int | None = None  # rows the live database still holds in ``table`` (None: not there/unknown)

    @property
    def replacement(self) -> str:
        return self.successor or self.table

    def fix_lines(self) -> list[str]:
        """What happens to its rows, as the fix's header and REPORT.md say it."""
        how = (
            f"created again at {self.created_at}"
            if self.successor is None
            else f"replaced by {self.successor} (created at {self.created_at}; {len(self.shared)} shared "
            f"columns: {', '.join(self.shared)})"
        )
        lines = [
            f"{self.table}: the old chain drops it at {self.dropped_at} and it is {how}; no statement "
            "copies its rows.",
            f"  - where {self.dropped_at.rsplit(':', 1)[0]} already ran, the rows {self.table} held before "
            "it were deleted then: this consolidation cannot bring them back (a backup taken before that "
            "file can).",
        ]
        if self.successor is None:
            lines.append(
                f"  - where it has not run, {self.table} keeps its old definition and its rows: this fix "
                "does not drop it (verify lists how it differs from the clean set)."
            )
        else:
            lines.append(
                f"  - where it has not run, {self.table} and its rows stay: this fix does not drop it and "
                f"does not move them into {self.successor} (add a [[merge]] {self.table} -> "
                f"{self.successor} to the plan to move them)."
            )
        if self.live_rows is not None and self.successor is not None:
            lines.append(f"  - the live database still has {self.table} with {self.live_rows} rows: kept.")
        return lines


def recreated_tables(analysis: Analysis, live_facts: DataFacts | None = None) -> tuple[RecreatedTable, ...]:
    """Every table of ``analysis`` dropped and created again with its rows not carried over."""
    from pgconsolidate.rules.registry import RuleContext
    from pgconsolidate.rules.table_recreated import find_recreated

    ctx = RuleContext(mdir=analysis.mdir, files=analysis.files, analysis=analysis)
    out = []
    for r in find_recreated(ctx):
        rows = live_facts.rows(r.table) if live_facts is not None else None
        out.append(
            RecreatedTable(
                r.table, str(r.dropped.ref), str(r.created.ref), r.successor, r.shared, live_rows=rows
            )
        )
    return tuple(sorted(out, key=lambda t: (t.dropped_at, t.table)))
