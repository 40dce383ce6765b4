"""``pgconsolidate replay`` through the CLI: JSON shape, text grouping, exit codes, --keep, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.catalog.serialize import read_snapshot_file
from pgconsolidate.cli import run
from pgconsolidate.db.connect import connection
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch.databases import database_name, drop_database

from .helpers import write_dir

FAILING = {
    "001_a.sql": "create table a (id int);\n",
    "002_b.sql": "create table a (id int);\ncreate index a_x on a (x);\ncreate table b (id int);\n",
}


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = run(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def test_json_document(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scratch_server: ScratchServer
) -> None:
    write_dir(tmp_path, FAILING)
    code, out, _ = _run(capsys, ["replay", str(tmp_path), "--keep-going", "--format", "json"])
    assert code == 1
    doc = json.loads(out)
    assert list(doc) == [
        "schema_version",
        "files",
        "failures",
        "stand_ins",
        "skipped",
        "platform",
        "assumed",
        "placeholders",
        "version_collisions",
        "no_ops",
        "refused_by_tool",
    ]
    assert doc["schema_version"] == 1
    assert doc["files"] == [
        {"file": "001_a.sql", "status": "applied", "statements": 1, "failed": 0},
        {"file": "002_b.sql", "status": "failed", "statements": 3, "failed": 2},
    ]
    assert [(f["file"], f["line"], f["sqlstate"]) for f in doc["failures"]] == [
        ("002_b.sql", 1, "42P07"),
        ("002_b.sql", 2, "42703"),
    ]
    first = doc["failures"][0]
    assert set(first) == {"file", "line", "statement", "sqlstate", "message", "hint", "root_cause"}
    assert first["root_cause"] is None
    assert first["statement"] == "create table a (id int)"


def test_text_groups_cascades_and_exit_zero_when_clean(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scratch_server: ScratchServer
) -> None:
    write_dir(
        tmp_path / "bad",
        {
            "001_a.sql": "create table t (e nosuchtype);\ncreate index t_e on t (e);\n"
            "create view v as select * from t;\n"
        },
    )
    code, out, _ = _run(capsys, ["replay", str(tmp_path / "bad"), "--keep-going"])
    assert code == 1
    assert "1 root cause, 3 errors" in out
    assert "cascade 001_a.sql:2" in out and "cascade 001_a.sql:3" in out
    write_dir(tmp_path / "good", {"001_a.sql": "create table t (id int);\n"})
    code, out, err = _run(capsys, ["replay", str(tmp_path / "good")])
    assert code == 0
    assert "1 applied cleanly" in out
    assert "Supabase base" not in err
    write_dir(tmp_path / "supa", {"001_a.sql": "create table t (id uuid default auth.uid());\n"})
    code, out, err = _run(capsys, ["replay", str(tmp_path / "supa")])
    assert code == 0
    assert "installing the Supabase base" in err and "auth.uid()" in err


def _exists(server: ScratchServer, dbname: str) -> bool:
    with connection(server.admin_url, autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_catalog.pg_database WHERE datname = %s", (dbname,)).fetchone()
    return row is not None


def test_keep_and_snapshot(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scratch_server: ScratchServer
) -> None:
    write_dir(tmp_path / "m", {"001_a.sql": "create table kept_table (id int primary key);\n"})
    snap = tmp_path / "snap.json"
    code, out, _ = _run(capsys, ["replay", str(tmp_path / "m"), "--keep", "--snapshot", str(snap)])
    assert code == 0
    kept = [ln for ln in out.splitlines() if ln.startswith("database kept: ")]
    assert kept
    # the URL's host= is a socket directory (slashes): read the name as libpq does
    dbname = database_name(kept[0].removeprefix("database kept: ").strip())
    assert dbname.startswith("pgc_scratch_")
    assert _exists(scratch_server, dbname)
    drop_database(scratch_server, dbname)
    assert not _exists(scratch_server, dbname)
    assert "public.kept_table" in [t.identity for t in read_snapshot_file(snap).tables]


def test_unreachable_scratch_server_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write_dir(tmp_path, {"001_a.sql": "select 1;\n"})
    code, out, err = _run(
        capsys, ["replay", str(tmp_path), "--scratch-url", "postgresql://me:hunter2@127.0.0.1:9/postgres"]
    )
    assert code == 2
    assert "hunter2" not in out + err
    assert len([ln for ln in err.splitlines() if ln.strip()]) == 1


def test_missing_directory_is_an_input_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, ["replay", str(tmp_path / "nope")])
    assert code == 2
    assert "nope" in err


def test_file_that_is_not_utf8_is_an_input_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "001_a.sql").write_bytes(b"select '\xff\xfe';\n")
    code, _, err = _run(capsys, ["replay", str(tmp_path)])
    assert code == 2
    assert "001_a.sql" in err
