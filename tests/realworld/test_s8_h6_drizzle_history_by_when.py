"""gym-saas (drizzle-kit): production had lost the history row of 0003 and 0005 was edited after it
ran. The reconciliation paired rows with files by position, so every file after the lost row sat on the
wrong row: it said 0005 'was never applied (drizzle-kit skips it)' and that a row 'no file has' exists,
while drizzle-kit itself (which compares each row's created_at with the journal's `when`) treats 0005 as
applied. Now rows are matched to files by the journal's `when`, as drizzle-kit does."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pgconsolidate.history import reconcile
from pgconsolidate.history.model import (
    APPLIED_WITHOUT_FILE,
    CONTENT_DIFFERS,
    NEVER_APPLIED,
    AppliedMigration,
    HistoryTable,
)
from pgconsolidate.sources.reader import read_dir

TAGS = [f"000{i}_step" for i in range(7)]


def _dir(root: Path) -> Path:
    (root / "meta").mkdir(parents=True)
    for i, tag in enumerate(TAGS):
        (root / f"{tag}.sql").write_text(f"CREATE TABLE t{i} (id int);\n")
    entries = [{"idx": i, "version": "7", "when": 5000 + 10 * i, "tag": t} for i, t in enumerate(TAGS)]
    (root / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "entries": entries}))
    return root


def _row(text: str, when: int) -> AppliedMigration:
    return AppliedMigration(version=None, sha256=hashlib.sha256(text.encode()).hexdigest(), rank=when)


def test_rows_are_matched_by_the_journal_when(tmp_path: Path) -> None:
    root = _dir(tmp_path / "drizzle")
    rows = [_row(f"CREATE TABLE t{i} (id int);\n", 5000 + 10 * i) for i in (0, 1, 2, 4)]
    rows.append(_row("CREATE TABLE t5 (id int);\n-- edited\n", 5050))  # 0005 edited after it ran
    rows.append(_row("DROP TABLE gone;\n", 5055))  # a migration whose file and journal entry are gone
    mdir = read_dir(str(root))
    rec = reconcile(HistoryTable("drizzle", "drizzle.__drizzle_migrations", tuple(rows)), mdir)
    got = sorted((i.kind, i.path or "") for i in rec.issues)
    assert got == sorted(
        [
            (NEVER_APPLIED, "0003_step.sql"),
            (CONTENT_DIFFERS, "0005_step.sql"),
            (APPLIED_WITHOUT_FILE, ""),
            (NEVER_APPLIED, "0006_step.sql"),
        ]
    ), rec.issues
    skipped = next(i for i in rec.issues if i.path == "0003_step.sql")
    assert "skips it" in skipped.message
    pending = next(i for i in rec.issues if i.path == "0006_step.sql")
    assert "skips it" not in pending.message  # 5060 is later than the newest row: drizzle-kit runs it
    assert rec.matched == 5


def test_without_journal_times_the_hash_pairing_stays(tmp_path: Path) -> None:
    root = _dir(tmp_path / "drizzle")
    rows = [_row(f"CREATE TABLE t{i} (id int);\n", 5000 + 10 * i) for i in (0, 1)]
    mdir = read_dir(str(root))
    assert dict(mdir.journal_times)["0001_step.sql"] == 5010
    no_times = HistoryTable(
        "drizzle",
        "drizzle.__drizzle_migrations",
        tuple(AppliedMigration(None, sha256=r.sha256) for r in rows),
    )
    rec = reconcile(no_times, mdir)
    assert rec.matched == 2 and {i.kind for i in rec.issues} == {NEVER_APPLIED}
