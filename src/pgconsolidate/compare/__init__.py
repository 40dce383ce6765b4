"""Compare two catalog snapshots (pure): which objects were added, removed or changed, and how."""

from pgconsolidate.compare.diff import AttributeChange, ObjectDiff, SnapshotDiff, diff_snapshots

__all__ = ["AttributeChange", "ObjectDiff", "SnapshotDiff", "diff_snapshots"]
