"""Migration history tables: read them (``reader``) and reconcile them with the files (``reconcile``)."""

from pgconsolidate.history.model import AppliedMigration, HistoryIssue, HistoryTable, Reconciliation
from pgconsolidate.history.reader import read_history, read_history_from
from pgconsolidate.history.reconcile import reconcile

__all__ = [
    "AppliedMigration",
    "HistoryIssue",
    "HistoryTable",
    "Reconciliation",
    "read_history",
    "read_history_from",
    "reconcile",
]
