"""`consolidate --database-url` of a golang-migrate production left dirty at its last version (a migration
failed part-way) said nothing about it, and its history_repair.sql cleared the flag; a dbmate production
recording a version no file has was consolidated just as silently. The consolidation is proven on the
database as it is, so it may go on, but what the history says is named: on the output and in REPORT.md."""

from __future__ import annotations

from pathlib import Path

import psycopg

from pgconsolidate.cli import run
from pgconsolidate.replay.runner import replay_into
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations


def _consolidate(tmp_path: Path, d: Path, url: str, capsys) -> tuple[str, str]:
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "--database-url", url, "-o", str(plan)]) == 0
    capsys.readouterr()
    assert run(["consolidate", str(d), "--plan", str(plan), "--database-url", url, "--out", str(out)]) == 0
    return capsys.readouterr().out, (out / "REPORT.md").read_text()


def test_dirty_golang_migrate_flag_is_said(tmp_path: Path, scratch_db: str, capsys) -> None:
    d = migrations(
        tmp_path,
        {
            "000001_emails.up.sql": "CREATE TABLE emails (id bigint PRIMARY KEY, address text);\n",
            "000001_emails.down.sql": "DROP TABLE emails;\n",
            "000002_status.up.sql": "ALTER TABLE emails ADD COLUMN status text;\n",
            "000002_status.down.sql": "ALTER TABLE emails DROP COLUMN status;\n",
        },
    )
    assert replay_into(scratch_db, read_dir(str(d))).ok
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL)")
        conn.execute("INSERT INTO schema_migrations VALUES (2, true)")
    text, report = _consolidate(tmp_path, d, scratch_db, capsys)
    line = "migration history public.schema_migrations (golang-migrate) before the consolidation: "
    assert line in text and "dirty at version 2" in text
    assert line in report and "dirty at version 2" in report
    assert "schema_migrations" not in "".join(
        p.read_text() for p in (tmp_path / "out" / "migrations").iterdir()
    )


def test_dbmate_version_without_file_is_said(tmp_path: Path, scratch_db: str, capsys) -> None:
    d = migrations(
        tmp_path,
        {
            "20240101000000_notes.sql": "-- migrate:up\nCREATE TABLE notes (id bigint PRIMARY KEY);\n"
            "-- migrate:down\nDROP TABLE notes;\n",
        },
    )
    assert replay_into(scratch_db, read_dir(str(d))).ok
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)")
        conn.execute("INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240301000000')")
    text, report = _consolidate(tmp_path, d, scratch_db, capsys)
    assert "version 20240301000000 is recorded as applied" in text
    assert "version 20240301000000 is recorded as applied" in report


def test_apply_says_the_dirty_flag_it_clears(tmp_path: Path, scratch_db: str, capsys) -> None:
    d = migrations(
        tmp_path,
        {
            "000001_emails.up.sql": "CREATE TABLE emails (id bigint PRIMARY KEY, address text);\n",
            "000002_status.up.sql": "ALTER TABLE emails ADD COLUMN status text;\n",
        },
    )
    assert replay_into(scratch_db, read_dir(str(d))).ok
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL)")
        conn.execute("INSERT INTO schema_migrations VALUES (2, true)")
    _consolidate(tmp_path, d, scratch_db, capsys)
    argv = ["apply", str(tmp_path / "out"), "--database-url", scratch_db, "--backup-dir", str(tmp_path / "b")]
    assert run([*argv, "--dry-run"]) == 0
    assert "note: public.schema_migrations is dirty at version 2" in capsys.readouterr().err
    assert run(argv) == 0
    assert "dirty at version 2" in capsys.readouterr().err
    with psycopg.connect(scratch_db) as conn:
        assert conn.execute("SELECT bool_or(dirty) FROM schema_migrations").fetchone() == (False,)
