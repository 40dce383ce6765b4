"""Found on a Supabase project's database (hero-org/herocast, built from its files): ``inspect --against``
printed "also found (another tool's, not reconciled): auth.schema_migrations". That table is GoTrue's own
(storage.migrations is storage-api's, realtime.schema_migrations Realtime's): every hosted project has them.
They are neither the project's history nor another migration tool's and are no longer reported as such."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from pgconsolidate.cli import run

from .helpers import migrations


def test_platform_service_tables_are_not_history(tmp_path: Path, scratch_db: str, capsys) -> None:
    d = migrations(tmp_path, {"20240101000000_a.sql": "create table public.notes (id bigint primary key);\n"})
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(
            "create schema auth; create table auth.schema_migrations (version varchar(14) primary key)"
        )
        conn.execute("insert into auth.schema_migrations values ('20221208132122')")
        conn.execute(
            "create schema storage; "
            "create table storage.migrations (id int primary key, name text, hash text, executed_at date)"
        )
        conn.execute("create schema supabase_migrations")
        conn.execute(
            "create table supabase_migrations.schema_migrations (version text primary key, name text, "
            "statements text[])"
        )
        conn.execute(
            "insert into supabase_migrations.schema_migrations (version, name) values ('20240101000000', 'a')"
        )
        conn.execute("create table public.notes (id bigint primary key)")
    rc = run(["inspect", "--database-url", scratch_db, "--against", str(d), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["other_history_tables"] == []
    assert [h["table"] for h in doc["history"]] == ["supabase_migrations.schema_migrations"]
    assert rc == 0, doc
