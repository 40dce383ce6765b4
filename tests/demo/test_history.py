"""demo-db writes the history table of the tool that owns the directory (not Supabase's for every one)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from pgconsolidate.catalog.reader import read_snapshot
from pgconsolidate.cli import run
from pgconsolidate.compare.diff import diff_snapshots
from pgconsolidate.db.connect import connection
from pgconsolidate.demo import build_production_db
from pgconsolidate.history.reader import read_history
from pgconsolidate.history.reconcile import reconcile
from pgconsolidate.replay.snapshot import replay_to_snapshot
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch.databases import drop_database
from pgconsolidate.sources.reader import read_dir

T1 = "CREATE TABLE items (id bigint PRIMARY KEY, name text);\n"
T2 = "ALTER TABLE items ADD COLUMN price numeric;\n"
BAD = "ALTER TABLE no_such_table ADD COLUMN x int;\n"

DIRS: dict[str, dict[str, str]] = {
    "dbmate": {
        "20240101000000_items.sql": f"-- migrate:up\n{T1}\n-- migrate:down\nDROP TABLE items;\n",
        "20240102000000_price.sql": f"-- migrate:up\n{T2}\n-- migrate:down\n",
        "20240103000000_broken.sql": f"-- migrate:up\n{BAD}\n-- migrate:down\n",
    },
    "golang-migrate": {
        "000001_items.up.sql": T1,
        "000001_items.down.sql": "DROP TABLE items;\n",
        "000002_price.up.sql": T2,
    },
    "goose": {
        "00001_items.sql": f"-- +goose Up\n{T1}\n-- +goose Down\nDROP TABLE items;\n",
        "00002_price.sql": f"-- +goose Up\n{T2}",
    },
    "flyway": {
        "V1__create_items.sql": T1,
        "V1_1__add_price.sql": T2,
        "R__items_view.sql": "CREATE OR REPLACE VIEW item_names AS SELECT name FROM items;\n",
    },
    "numbered": {"001-items.sql": T1, "002-price.sql": T2},
    "supabase": {"20240101000000_items.sql": T1, "20240102000000_price.sql": T2},
}
TABLES = {
    "dbmate": "public.schema_migrations",
    "golang-migrate": "public.schema_migrations",
    "goose": "public.goose_db_version",
    "flyway": "public.flyway_schema_history",
    "numbered": None,
    "supabase": "supabase_migrations.schema_migrations",
}


@pytest.mark.parametrize("tool", list(DIRS))
def test_history_of_the_owning_tool(scratch_server: ScratchServer, tmp_path: Path, tool: str) -> None:
    for name, text in DIRS[tool].items():
        (tmp_path / name).write_text(text)
    mdir = read_dir(str(tmp_path))
    assert mdir.tool.value == tool
    name = f"pgc_test_history_{secrets.token_hex(4)}"
    db = build_production_db(scratch_server, str(tmp_path), name=name, data=False)
    try:
        assert db.history_table == TABLES[tool]
        found = read_history(db.url)
        # only the owning tool's table: no (empty) Supabase history on a directory another tool owns
        assert [h.tool for h in found] == ([] if tool == "numbered" else [tool])
        if tool == "numbered":
            assert db.history_rows == 0
            return
        result = reconcile(found[0], mdir)
        issues = [(i.kind, i.path) for i in result.issues]
        if tool == "dbmate":  # the broken file failed: never applied, and said so
            assert issues == [("never-applied", "20240103000000_broken.sql")]
            assert result.matched == 2
        else:
            assert issues == []
            assert result.matched == result.files
        with connection(db.url, autocommit=True) as conn:
            assert conn.execute("SELECT to_regclass('public.items') IS NOT NULL").fetchone() == (True,)
    finally:
        drop_database(scratch_server, name)


def test_plain_directory_of_another_tool_has_no_supabase_platform(
    scratch_server: ScratchServer, tmp_path: Path
) -> None:
    """A dbmate directory that uses nothing of Supabase: the same database ``inspect --against`` replays,
    so no drift, and the history reconciles."""
    for name, text in DIRS["dbmate"].items():
        if "broken" not in name:
            (tmp_path / name).write_text(text)
    name = f"pgc_test_history_{secrets.token_hex(4)}"
    db = build_production_db(scratch_server, str(tmp_path), name=name, data=False)
    try:
        assert db.dashboard == () and db.history_table == "public.schema_migrations"
        drift = diff_snapshots(
            replay_to_snapshot(str(tmp_path), scratch_url=scratch_server.admin_url), read_snapshot(db.url)
        )
        # the history table is the only difference, and inspect --against reconciles it as history
        assert {d.parent or d.identity for d in drift.differences} == {"public.schema_migrations"}
        args = ["inspect", "--database-url", db.url, "--against", str(tmp_path), "--scratch-url"]
        assert run([*args, scratch_server.admin_url]) == 0
        with connection(db.url, autocommit=True) as conn:
            assert conn.execute("SELECT to_regnamespace('auth') IS NULL").fetchone() == (True,)
    finally:
        drop_database(scratch_server, name)


def test_a_file_failing_only_for_want_of_pg_cron_is_recorded(
    scratch_server: ScratchServer, tmp_path: Path
) -> None:
    """A real Supabase project schedules its cron jobs in migrations: on the scratch server (no pg_cron)
    those statements are skipped, and the files holding them were left out of the production's history,
    so inspect --against said 'never-applied' for files production applied. A file with a real failure
    stays out."""
    d = tmp_path / "supabase" / "migrations"
    d.mkdir(parents=True)
    (d / "20240101000000_t.sql").write_text("create table public.t (id uuid references auth.users (id));\n")
    (d / "20240102000000_cron.sql").write_text(
        "create extension if not exists pg_cron with schema pg_catalog;\n"
        "create function public.tick() returns void language sql as $$ select 1 $$;\n"
        "select cron.schedule('tick', '0 0 * * *', 'select public.tick()');\n"
    )
    (d / "20240103000000_broken.sql").write_text("alter table public.nope add column x int;\n")
    (d / "20240104000000_u.sql").write_text("alter table public.t add column note text;\n")
    name = f"pgc_test_history_{secrets.token_hex(4)}"
    db = build_production_db(scratch_server, str(d), name=name, data=False)
    try:
        with connection(db.url, autocommit=True) as conn:
            versions = [
                str(r[0])
                for r in conn.execute("SELECT version FROM supabase_migrations.schema_migrations ORDER BY 1")
            ]
        assert versions == ["20240101000000", "20240102000000", "20240104000000"]
        assert db.history_rows == 3
    finally:
        drop_database(scratch_server, name)
