"""Where a function's body changed: a short unified diff of the two bodies (pure).

A snapshot keeps only a hash of each body (``Function.body_hash``), so a comparison can say that a body
changed but not where. The caller fetches the two bodies of each function whose hash differs, from each
side that still has them (a database it can reach, the migration files), and :func:`with_body_diffs` adds
the first differing lines to that change. A body is used only when it hashes to the snapshot's value, so
the lines shown are those of the bodies compared, never of a later edit.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import replace

from pgconsolidate.catalog.normalize import body_hash, normalize_body
from pgconsolidate.compare.diff import CHANGED, AttributeChange, ObjectDiff, SnapshotDiff

#: at most this many diff lines per function (then a line saying how many more)
LIMIT = 16


def changed_bodies(result: SnapshotDiff) -> list[str]:
    """The functions whose body hash differs between A and B."""
    return [
        d.identity
        for d in result.differences
        if d.change == CHANGED
        and d.collection == "functions"
        and any(c.name == "body_hash" for c in d.changes)
    ]


def body_diff(
    before: str, after: str, *, a_label: str = "A", b_label: str = "B", limit: int = LIMIT
) -> tuple[str, ...]:
    """The unified diff (one line of context) of two normalised bodies, capped at ``limit`` lines."""
    lines = list(
        difflib.unified_diff(
            normalize_body(before).splitlines(),
            normalize_body(after).splitlines(),
            fromfile=a_label,
            tofile=b_label,
            lineterm="",
            n=1,
        )
    )
    if len(lines) > limit:
        lines = [*lines[:limit], f"... {len(lines) - limit} more diff line(s)"]
    return tuple(lines)


def with_body_diffs(
    result: SnapshotDiff,
    a_bodies: Mapping[str, str],
    b_bodies: Mapping[str, str],
    *,
    a_label: str = "A",
    b_label: str = "B",
) -> SnapshotDiff:
    """``result`` with the diff of each changed body both sides give (identity -> body) and whose texts
    hash to the snapshots' values; other changes are left as they are."""
    out: list[ObjectDiff] = []
    for d in result.differences:
        if d.collection == "functions" and d.change == CHANGED:
            changes = tuple(
                _with_lines(c, a_bodies.get(d.identity), b_bodies.get(d.identity), a_label, b_label)
                for c in d.changes
            )
            d = replace(d, changes=changes)
        out.append(d)
    return replace(result, differences=tuple(out))


def _with_lines(
    c: AttributeChange, before: str | None, after: str | None, a_label: str, b_label: str
) -> AttributeChange:
    if c.name != "body_hash" or before is None or after is None:
        return c
    if body_hash(before) != c.before or body_hash(after) != c.after:
        return c  # not the bodies the snapshots hashed (changed since they were read)
    return replace(c, detail=body_diff(before, after, a_label=a_label, b_label=b_label))
