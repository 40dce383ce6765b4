"""Found on a Supabase project: ``deployed_databases`` was created in one file, copied to a second file
(same columns plus two that ALTERs had already added) and redesigned in a third (local_database_id,
deployment_provider_id, provider_metadata, updated_at). Both later CREATEs fail with "already exists"; the
replay hint and REPORT.md only said where the table was first made, so nothing told the user that the
redesign's columns are in neither the database nor the clean set. The hint (and REPORT.md's list of
failing statements) now names them; columns an earlier ALTER added are not named."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import consolidated, migrations

FILES = {
    "20240801000000_dbs.sql": "create table public.dbs (id bigint primary key, database_id text not null);\n",
    "20240802000000_name.sql": "alter table public.dbs add column name text;\n",
    "20240803000000_dbs_copy.sql": (
        "create table public.dbs (id bigint primary key, database_id text not null, name text);\n"
    ),
    "20241003000000_redesign.sql": (
        "-- the new design\n"
        "create table dbs (\n  id bigint primary key,\n  local_database_id text not null,\n"
        "  provider_metadata jsonb\n);\n"
    ),
}


def test_hint_names_the_columns_only_the_failed_create_has(
    tmp_path: Path, scratch_server: ScratchServer
) -> None:
    result = replay_dir(read_dir(str(migrations(tmp_path, FILES))), scratch_server, keep_going=True)
    hints = {f.file: f.hint for f in result.failures}
    assert "columns only this definition has" not in hints["20240803000000_dbs_copy.sql"]
    redesign = hints["20241003000000_redesign.sql"]
    assert "first created at 20240801000000_dbs.sql:1" in redesign
    assert "not added by any earlier statement: local_database_id, provider_metadata" in redesign


def test_report_lists_them(tmp_path: Path) -> None:
    out = consolidated(tmp_path, migrations(tmp_path, FILES))
    report = (out / "REPORT.md").read_text()
    line = next(ln for ln in report.splitlines() if ln.startswith("* `20241003000000_redesign.sql:2`"))
    assert "local_database_id, provider_metadata" in line
