"""rubenv/sql-migrate (Go) keeps both directions in one file, after ``-- +migrate Up`` and
``-- +migrate Down`` (at the start of a line, case-sensitive; ``-- +migrate Up notransaction`` runs the file
outside a transaction; ``StatementBegin``/``StatementEnd`` around a function body). Its markers were not
recognised: the Down section was replayed after the Up one, so a file that creates a table and drops it
in its Down left no table, and every later file that used it failed. sql-migrate orders files by the
number their name starts with, records each applied file by its name in ``gorp_migrations`` (id,
applied_at), and applies a missing older file on its next run. The clean set it gets keeps its markers,
and history_repair.sql writes its rows."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.cli import run
from pgconsolidate.history import read_history, reconcile
from pgconsolidate.history.model import APPLIED_WITHOUT_FILE, NEVER_APPLIED
from pgconsolidate.sources.model import Scheme
from pgconsolidate.sources.reader import read_dir

from .helpers import consolidated, migrations

_FILES = {
    "1_base.sql": (
        "-- +migrate Up\n"
        "-- kept up to date by a trigger\n"
        "-- +migrate StatementBegin\n"
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n  NEW.changed_at = now();\n  RETURN NEW;\nEND;\n$$;\n"
        "-- +migrate StatementEnd\n"
        "\n-- +migrate Down\nDROP FUNCTION touch();\n"
    ),
    "2_probes.sql": (
        "-- +migrate Up\n"
        "CREATE TABLE probes (id bigint PRIMARY KEY, label text NOT NULL, changed_at timestamptz);\n"
        "CREATE TRIGGER probes_touch BEFORE UPDATE ON probes FOR EACH ROW EXECUTE FUNCTION touch();\n"
        "-- +migrate Down\nDROP TABLE probes;\n"
    ),
    "10_probe_label.sql": (
        "-- +migrate Up notransaction\n"
        "CREATE INDEX CONCURRENTLY probes_label ON probes (label);\n"
        "-- +migrate Down\nDROP INDEX probes_label;\n"
    ),
    "10_readings.sql": (
        "-- +migrate Up\nCREATE TABLE readings (probe bigint REFERENCES probes, value numeric);\n"
        "CREATE INDEX readings_probe ON readings (probe);\n-- +migrate Down\nDROP TABLE readings;\n"
    ),
}


def test_only_the_up_sections_in_number_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = migrations(tmp_path, _FILES)
    md = read_dir(d)
    assert md.tool is Scheme.SQL_MIGRATE
    assert [f.path for f in md.files] == [
        "1_base.sql",
        "2_probes.sql",
        "10_probe_label.sql",
        "10_readings.sql",
    ]
    assert all("DROP" not in f.forward_sql for f in md.files)
    assert run(["replay", str(d)]) == 0  # CONCURRENTLY outside a transaction; no shared-version refusal
    assert "4 of 4 files in" in capsys.readouterr().out
    assert run(["analyze", str(d), "--format", "json"]) == 0
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert not rules & {"version-collision", "concurrently-in-transaction", "use-after-drop"}


def test_clean_set_keeps_the_markers_and_history_repair_writes_gorp_migrations(tmp_path: Path) -> None:
    d = migrations(tmp_path, _FILES)
    out = consolidated(tmp_path, d)
    [clean] = sorted((out / "migrations").glob("*.sql"))
    text = clean.read_text()
    assert "\n-- +migrate Up\n-- +migrate StatementBegin\n" in text and "\n-- +migrate Down\n" in text
    assert read_dir(out / "migrations").tool is Scheme.SQL_MIGRATE
    repair = (out / "history_repair.sql").read_text()
    assert f'INSERT INTO "public"."gorp_migrations" (id, applied_at) SELECT \'{clean.name}\'' in repair
    assert "WHERE id IN ('1_base.sql', '2_probes.sql', '10_probe_label.sql', '10_readings.sql')" in repair


def test_gorp_migrations_reconciled_by_file_name(tmp_path: Path, scratch_db: str) -> None:
    d = migrations(tmp_path, _FILES)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE gorp_migrations (id text NOT NULL PRIMARY KEY, applied_at timestamptz)")
        for name in ("1_base.sql", "2_probes.sql", "10_readings.sql", "3_renamed_since.sql"):
            conn.execute("INSERT INTO gorp_migrations VALUES (%s, now())", (name,))
    [h] = read_history(scratch_db)
    assert (h.tool, h.table) == ("sql-migrate", "public.gorp_migrations")
    r = reconcile(h, read_dir(d))
    assert [(i.kind, i.path or i.version) for i in r.issues] == [
        (APPLIED_WITHOUT_FILE, "3_renamed_since.sql"),
        (NEVER_APPLIED, "10_probe_label.sql"),
    ]
    assert "applies it on its next run" in r.issues[1].message and r.matched == 3
