"""``supabase db diff`` output names the platform services' own migration tables (``revoke select on table
"auth"."schema_migrations" from "postgres"``, found in a Supabase project's remote_schema migration): they
exist on every hosted project, but the scratch Supabase base lacked them, so replay failed with "relation
does not exist" and a hint that blamed a hand-made object."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

SQL = (
    'revoke select on table "auth"."schema_migrations" from "postgres";\n'
    'grant select on table "storage"."migrations" to "service_role";\n'
    "create table public.notes (id bigint primary key, body text);\n"
)


def test_platform_migration_tables_exist_in_the_base(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(tmp_path, {"20250815133736_remote_schema.sql": SQL}, sub="supabase/migrations")
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=True)
    assert result.supabase_base
    assert result.failures == (), [f.message for f in result.failures]
    assert result.ok
