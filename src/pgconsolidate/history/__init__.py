"""Migration history tables: read them (``reader``) and reconcile them with the files (``reconcile``).

The model and the reconciliation are pure; the reader talks to a database, so it is imported only when
``read_history`` / ``read_history_from`` is first asked for.
"""

from typing import TYPE_CHECKING, Any

from pgconsolidate.history.model import AppliedMigration, HistoryIssue, HistoryTable, Reconciliation
from pgconsolidate.history.reconcile import reconcile

if TYPE_CHECKING:
    from pgconsolidate.history.reader import read_history, read_history_from

__all__ = [
    "AppliedMigration",
    "HistoryIssue",
    "HistoryTable",
    "Reconciliation",
    "read_history",
    "read_history_from",
    "reconcile",
]


def __getattr__(name: str) -> Any:
    if name in ("read_history", "read_history_from"):
        from pgconsolidate.history import reader

        return getattr(reader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
