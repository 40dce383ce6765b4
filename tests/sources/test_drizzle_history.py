"""drizzle-kit's ``drizzle.__drizzle_migrations`` read from a scratch database and reconciled."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.db.connect import connection
from pgconsolidate.history import read_history, reconcile
from pgconsolidate.history.model import APPLIED_WITHOUT_FILE, CONTENT_DIFFERS, NEVER_APPLIED
from pgconsolidate.sources.reader import read_dir

# the table as drizzle-kit's migrator creates it
TABLE = (
    "CREATE SCHEMA drizzle;"
    "CREATE TABLE drizzle.__drizzle_migrations (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint)"
)

FILES = {
    "0000_one": 'CREATE TABLE "a" ("id" integer);\n--> statement-breakpoint\nSELECT 1;\n',
    "0001_two": "SELECT 2;\n",
    "0002_edited": "SELECT 3;\n",
    "0003_inserted_late": "SELECT 4;\n",
    "0004_four": "SELECT 5;\n",
    "0005_pending": "SELECT 6;\n",
}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _write(root: Path) -> None:
    (root / "meta").mkdir(parents=True)
    for tag, text in FILES.items():
        (root / f"{tag}.sql").write_text(text)
    entries = [{"idx": i, "version": "7", "when": 1000 + i, "tag": t} for i, t in enumerate(FILES)]
    (root / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "entries": entries}))


def test_drizzle_history(tmp_path: Path, scratch_db: str) -> None:
    root = tmp_path / "drizzle"
    _write(root)
    rows = [
        (_sha(FILES["0000_one"]), 1000),
        (_sha(FILES["0001_two"]), 1001),
        (_sha("SELECT 30;\n"), 1002),  # 0002 was edited after it ran
        (_sha(FILES["0004_four"]), 1004),  # 0003 was added to the journal after 0004 ran: skipped
        (_sha("DROP TABLE x;\n"), 1006),  # a migration whose file is gone (no journal entry has when 1006)
    ]
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(TABLE)
        for h, created in rows:
            conn.execute(
                "INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (%s, %s)", (h, created)
            )
    (history,) = read_history(scratch_db)
    assert (history.tool, history.table) == ("drizzle", "drizzle.__drizzle_migrations")
    rec = reconcile(history, read_dir(root))
    got = sorted((i.kind, i.path or "") for i in rec.issues)
    assert got == sorted(
        [
            (CONTENT_DIFFERS, "0002_edited.sql"),
            (APPLIED_WITHOUT_FILE, ""),
            (NEVER_APPLIED, "0003_inserted_late.sql"),
            (NEVER_APPLIED, "0005_pending.sql"),
        ]
    )
    late = next(i for i in rec.issues if i.path == "0003_inserted_late.sql")
    assert "skips it" in late.message
    assert (rec.matched, rec.files, rec.applied) == (4, 6, 5)


def test_inspect_reports_no_drift_for_what_drizzle_kit_made(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "drizzle"
    _write(root)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(TABLE)
        for i, text in enumerate(FILES.values()):
            conn.execute(text)
            conn.execute(
                "INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (%s, %s)",
                (_sha(text), 1000 + i),
            )
        conn.execute('CREATE TABLE "by_hand" (id int)')
    code = run(["inspect", "--database-url", scratch_db, "--against", str(root), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    # the drizzle schema, its sequence and grants are the tool's; the table made by hand is drift
    assert {d["parent"] or d["identity"] for d in doc["drift"]["differences"]} == {"public.by_hand"}
    assert doc["history"][0]["issues"] == [] and doc["history"][0]["matched"] == 6
    assert code == 1
