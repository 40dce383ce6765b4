"""A database built by goose (or dbmate, golang-migrate, Flyway) holds the tool's history table. Found on
a goose project's production copy (learning-core-api): `compare URL DIR` listed goose_db_version, its
sequence and grant as differences (a database identical to its files never compared equivalent), `plan
--database-url` put the table, its sequence and its key's index in `live_only` (made by hand), and the
clean set of `consolidate --database-url` created public.goose_db_version itself. The history table is
history: left out of the comparison (with a note), of live_only and of the clean set; a table the files
create themselves (a project that makes its own flyway_schema_history) is still compared."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.cli import run
from pgconsolidate.history.objects import history_object_names, history_tables_in, without_history
from pgconsolidate.replay.runner import replay_into
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

_GOOSE = {
    "0001_notes.sql": "-- +goose Up\nCREATE TABLE notes (id bigint PRIMARY KEY, body text);\n"
    "-- +goose Down\nDROP TABLE notes;\n",
    "0002_tag.sql": "-- +goose Up\nALTER TABLE notes ADD COLUMN tag text;\n"
    "-- +goose Down\nALTER TABLE notes DROP COLUMN tag;\n",
}


def _goose_production(d: Path, url: str) -> None:
    """The files applied as goose applies them: its table, version 0, then one row per file."""
    assert replay_into(url, read_dir(str(d))).ok
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, "
            "is_applied boolean NOT NULL, tstamp timestamp DEFAULT now())"
        )
        conn.execute(
            "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true)"
        )
        conn.execute("INSERT INTO notes VALUES (1, 'kept', 'x')")


def test_history_objects_found_and_left_out(tmp_path: Path, scratch_db: str) -> None:
    d = migrations(tmp_path, _GOOSE)
    _goose_production(d, scratch_db)
    snap = read_snapshot(scratch_db)
    assert history_tables_in(snap) == {"public.goose_db_version": "goose"}
    names = history_object_names(snap, ["public.goose_db_version"])
    assert names == {"public.goose_db_version", "public.goose_db_version_id_seq"}
    left = without_history(snap, names)
    everything = [
        o.identity
        for f in ("tables", "columns", "indexes", "constraints", "sequences")
        for o in left.objects(f)
    ]
    assert not [i for i in everything if "goose_db_version" in i]
    assert not [g for g in left.grants if "goose_db_version" in g.object]
    assert "public.notes" in {t.identity for t in left.tables}
    assert "public.notes.tag" in {c.identity for c in left.columns}


def test_compare_database_with_its_files_is_equivalent(tmp_path: Path, scratch_db: str, capsys) -> None:
    d = migrations(tmp_path, _GOOSE)
    _goose_production(d, scratch_db)
    capsys.readouterr()
    assert run(["compare", scratch_db, str(d)]) == 0
    text = capsys.readouterr().out
    assert "equivalent: no differences" in text
    assert "public.goose_db_version (goose)" in text and "note: not compared" in text
    # the other way round, and a snapshot file in place of the database
    snap = tmp_path / "live.json"
    assert run(["inspect", "--database-url", scratch_db, "-o", str(snap)]) == 0
    capsys.readouterr()
    assert run(["compare", str(d), str(snap), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["equivalent"] is True
    assert any("public.goose_db_version (goose)" in n for n in doc["notes"])
    # drift next to the history table is still reported
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE INDEX notes_by_hand ON notes (body)")
    capsys.readouterr()
    assert run(["compare", scratch_db, str(d)]) == 1
    text = capsys.readouterr().out
    assert "index public.notes_by_hand" in text and "goose_db_version" not in text.split("note:")[0]


def test_files_that_create_the_table_are_still_compared(tmp_path: Path, scratch_db: str, capsys) -> None:
    files = {
        "V1__init.sql": "CREATE TABLE flyway_schema_history (installed_rank integer PRIMARY KEY, version "
        "varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) "
        "NOT NULL, checksum integer, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL "
        "DEFAULT now(), execution_time integer NOT NULL, success boolean NOT NULL);\n"
        "CREATE TABLE t (id int PRIMARY KEY);\n",
    }
    d = migrations(tmp_path, files)
    assert replay_into(scratch_db, read_dir(str(d))).ok
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("ALTER TABLE flyway_schema_history ADD COLUMN by_hand text")
    capsys.readouterr()
    assert run(["compare", scratch_db, str(d)]) == 1
    assert "public.flyway_schema_history.by_hand" in capsys.readouterr().out


def test_plan_and_clean_set_leave_the_history_table_out(tmp_path: Path, scratch_db: str) -> None:
    d = migrations(tmp_path, _GOOSE)
    _goose_production(d, scratch_db)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE INDEX notes_by_hand ON notes (body)")
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "--database-url", scratch_db, "-o", str(plan)]) == 0
    live_only = [line for line in plan.read_text().splitlines() if line.startswith("live_only")]
    assert live_only == ['live_only = ["public.notes_by_hand"]']
    assert (
        run(["consolidate", str(d), "--plan", str(plan), "--database-url", scratch_db, "--out", str(out)])
        == 0
    )
    clean = "".join(p.read_text() for p in (out / "migrations").iterdir())
    assert "notes_by_hand" in clean
    assert "goose_db_version" not in clean
    assert "goose_db_version" not in (out / "REPORT.md").read_text().split("## Declared differences")[-1]
    assert run(["verify", str(out), "--database-url", scratch_db]) == 0
