"""Files beside the migrations that the owning tool treats differently from what their names suggest.

* golang-migrate reads only ``<version>_<name>.up.sql`` / ``.down.sql``: a ``000003_seed.sql`` dropped
  next to them never runs, but it was replayed as the third migration (its rows and tables in the clean
  set). It is now left out with the reason.
* goose also runs Go migrations (``00002_backfill.go``) and records them in ``goose_db_version`` like the
  SQL ones: the file was left out as "not a .sql file" and its history row reported as "applied without
  file". It is now said to be a Go migration that cannot be replayed, and its row is not an issue."""

from __future__ import annotations

from pathlib import Path

import psycopg

from pgconsolidate.history import read_history, reconcile
from pgconsolidate.sources.reader import GO_MIGRATION, read_dir

from .helpers import migrations


def test_golang_migrate_ignores_a_file_without_direction(tmp_path: Path) -> None:
    d = migrations(
        tmp_path,
        {
            "000001_init.up.sql": "CREATE TABLE plans (id int PRIMARY KEY);\n",
            "000001_init.down.sql": "DROP TABLE plans;\n",
            "000002_price.up.sql": "ALTER TABLE plans ADD COLUMN price int;\n",
            "000003_seed.sql": "INSERT INTO plans VALUES (1, 10);\n",
        },
    )
    md = read_dir(d)
    assert md.tool.value == "golang-migrate"
    assert [f.path for f in md.files] == ["000001_init.up.sql", "000002_price.up.sql"]
    assert ("000003_seed.sql", "not <version>_<name>.up.sql: golang-migrate ignores it") in [
        (lo.path, lo.reason) for lo in md.left_out
    ]


def test_a_supabase_directory_keeps_its_files(tmp_path: Path) -> None:
    d = migrations(
        tmp_path,
        {"20240101000000_a.sql": "SELECT 1;\n", "20240102000000_b.up.sql": "SELECT 2;\n"},
        sub="supabase/migrations",
    )
    assert len(read_dir(d).files) == 2


def test_goose_go_migration_said_and_its_history_row_is_no_issue(tmp_path: Path, scratch_db: str) -> None:
    d = migrations(
        tmp_path,
        {
            "00001_plans.sql": "-- +goose Up\nCREATE TABLE plans (id int PRIMARY KEY);\n-- +goose Down\n",
            "00002_backfill.go": "package migrations\n",
            "00002_backfill_test.go": "package migrations\n",
            "00003_price.sql": "-- +goose Up\nALTER TABLE plans ADD COLUMN price int;\n",
        },
    )
    md = read_dir(d)
    assert [f.path for f in md.files] == ["00001_plans.sql", "00003_price.sql"]
    reasons = dict((lo.path, lo.reason) for lo in md.left_out)
    assert reasons == {"00002_backfill.go": GO_MIGRATION, "00002_backfill_test.go": "not a .sql file"}
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, "
            "is_applied boolean NOT NULL, tstamp timestamp DEFAULT now())"
        )
        for v in (0, 1, 2, 3, 7):
            conn.execute("INSERT INTO goose_db_version (version_id, is_applied) VALUES (%s, true)", (v,))
    [h] = read_history(scratch_db)
    r = reconcile(h, md)
    assert [(i.kind, i.version) for i in r.issues] == [("applied-without-file", "7")]
