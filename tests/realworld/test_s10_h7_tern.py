"""jackc/tern (Go, the pgx author's migrator): ``<n>_<name>.sql`` files numbered 1, 2, 3, ... without gaps,
the migration above the line ``---- create above / drop below ----`` and its rollback below it,
``---- tern: disable-tx ----`` to run a file outside a transaction, and one row in ``schema_version``
(the current number). The rollback part was replayed after the migration (a file dropped what it
created), so tern projects' replays and clean sets were wrong."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.cli import run
from pgconsolidate.history import read_history, reconcile
from pgconsolidate.history.model import NEVER_APPLIED
from pgconsolidate.sources.model import Scheme
from pgconsolidate.sources.reader import read_dir

from .helpers import consolidated, migrations

_SPLIT = "---- create above / drop below ----"
_FILES = {
    "001_create_sessions.sql": (
        "CREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint NOT NULL);\n\n"
        f"{_SPLIT}\n\nDROP TABLE sessions;\n"
    ),
    "002_sessions_user.sql": (
        "---- tern: disable-tx ----\nCREATE INDEX CONCURRENTLY sessions_user ON sessions (user_id);\n"
        f"{_SPLIT}\nDROP INDEX sessions_user;\n"
    ),
    "003_expiry.sql": (
        f"ALTER TABLE sessions ADD COLUMN expires_at timestamptz;\n{_SPLIT}\n"
        "ALTER TABLE sessions DROP COLUMN expires_at;\n"
    ),
}


def test_only_what_is_above_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = migrations(tmp_path, {**_FILES, "tern.conf": "[database]\nversion_table = schema_version\n"})
    md = read_dir(d)
    assert md.tool is Scheme.TERN
    assert all("DROP" not in f.forward_sql for f in md.files)
    assert run(["replay", str(d), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["failures"] == [] and doc["refused_by_tool"] == []
    run(["analyze", str(d), "--format", "json"])
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert not rules & {"concurrently-in-transaction", "use-after-drop"}


def test_a_missing_number_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = dict(_FILES)
    files["005_note.sql"] = files.pop("003_expiry.sql")
    d = migrations(tmp_path, files)
    assert run(["replay", str(d), "--format", "json"]) == 1
    [refused] = json.loads(capsys.readouterr().out)["refused_by_tool"]
    assert refused["file"] == "005_note.sql" and "Missing migration 3" in refused["reason"]


def test_clean_set_numbered_from_one_and_schema_version_repaired(tmp_path: Path) -> None:
    out = consolidated(tmp_path, migrations(tmp_path, _FILES))
    names = sorted(p.name for p in (out / "migrations").glob("*.sql"))
    assert names[0].startswith("001_") and all(n[:3] == f"{i + 1:03d}" for i, n in enumerate(names))
    assert all(_SPLIT in (out / "migrations" / n).read_text() for n in names)
    repair = (out / "history_repair.sql").read_text()
    assert f'INSERT INTO "public"."schema_version" (version) VALUES ({len(names)});' in repair


def test_schema_version_reconciled(tmp_path: Path, scratch_db: str) -> None:
    d = migrations(tmp_path, _FILES)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE schema_version (version int4 NOT NULL)")
        conn.execute("INSERT INTO schema_version VALUES (2)")
    [h] = read_history(scratch_db)
    assert (h.tool, h.table) == ("tern", "public.schema_version")
    r = reconcile(h, read_dir(d))
    assert [(i.kind, i.path) for i in r.issues] == [(NEVER_APPLIED, "003_expiry.sql")] and r.matched == 2


def test_apply_says_to_use_tern(tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    d = migrations(tmp_path, _FILES)
    assert run(["apply", str(d), "--database-url", scratch_db, "--dry-run"]) != 0
    err = capsys.readouterr().err
    assert "apply does not write tern history: apply with tern itself" in err and "checksums" not in err
