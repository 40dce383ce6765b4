"""backup wrote its files with ``--out`` while apply, check and rollback find them with ``--backup-dir``:
a user following the live path typed ``backup --backup-dir DIR`` and got 'No such option' (exit 2).
backup now takes both spellings, and check finds what it wrote."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.cli import run


def test_backup_takes_backup_dir(tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE notes (id int PRIMARY KEY)")
        conn.execute("INSERT INTO notes SELECT generate_series(1, 5)")
    backups = tmp_path / "backups"
    url = ["--database-url", scratch_db]
    assert run(["backup", *url, "--backup-dir", str(backups), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["verified"] is True and Path(doc["manifest"]).parent == backups
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "20240101000000_notes.sql").write_text(
        "-- notes\nCREATE TABLE IF NOT EXISTS notes (id int);\n"
    )
    run(["check", str(migrations), *url, "--backup-dir", str(backups), "--format", "json"])
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["backup"]["status"] == "pass"


def test_check_without_backup_dir_says_how_to_point_at_one(tmp_path: Path) -> None:
    from pgconsolidate.deploy.checks import check_backup

    missing = check_backup("nodb", None)
    assert missing.status == "fail" and "pass --backup-dir DIR" in missing.summary
    given = check_backup("nodb", tmp_path)
    assert given.status == "fail" and "--backup-dir" not in given.summary
