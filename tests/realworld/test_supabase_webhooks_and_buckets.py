"""Two things a hosted Supabase project has that the scratch base lacked (Scan-Go/mobile): the
``supabase_functions.http_request`` trigger function that Database Webhooks (and ``supabase db diff``)
put in migrations, and ``storage.buckets``' ``file_size_limit`` / ``allowed_mime_types`` /
``avif_autodetection`` columns. Replay failed on both, as 'created by no earlier migration', though
``supabase db reset`` runs them. The stand-in webhook never makes a request: it raises when it fires."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.cli import run
from pgconsolidate.scratch.databases import create_database, database_name, drop_database
from pgconsolidate.scratch.supabase import install_supabase_base
from pgconsolidate.verify.livecopy import copy_live

from .helpers import migrations

FILES = {
    "20240222011339_notifications.sql": (
        "create table public.notifications (id uuid primary key default gen_random_uuid(), body text);\n"
        "alter table public.notifications enable row level security;\n"
        "create policy own on public.notifications for select to authenticated using (auth.uid() = id);\n"
        "CREATE OR REPLACE TRIGGER push AFTER INSERT ON public.notifications FOR EACH ROW EXECUTE FUNCTION "
        "supabase_functions.http_request('https://example.supabase.co/functions/v1/push', 'POST', "
        "'{\"Content-type\":\"application/json\"}', '{}', '5000');\n"
    ),
    "20240304175032_bucket.sql": (
        "insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types, "
        "avif_autodetection) values ('things', 'things', false, 52428800, '{image/png}', false);\n"
    ),
}


def test_webhook_trigger_and_bucket_limits_replay(tmp_path: Path, capsys, scratch_server) -> None:
    d = migrations(tmp_path, FILES)
    assert run(["replay", str(d), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["failures"] == []
    assert [f["status"] for f in doc["files"]] == ["applied", "applied"]
    assert run(["replay", str(d), "--keep"]) == 0
    kept = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("database kept: ")]
    url = kept[0].removeprefix("database kept: ")
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute("SELECT file_size_limit FROM storage.buckets WHERE id = 'things'").fetchone()
            assert row == (52428800,)
            with pytest.raises(psycopg.errors.RaiseException, match="cannot make requests"):
                conn.execute("INSERT INTO public.notifications (body) VALUES ('x')")
    finally:
        drop_database(scratch_server, database_name(url))


def test_live_copy_of_a_webhook_project_restores_cleanly(scratch_server, scratch_db: str) -> None:
    """The live copy restored the live database's supabase_functions.hooks over the base's own table:
    'restore: multiple primary keys for table "hooks"'. The base provides that schema, like auth."""
    install_supabase_base(scratch_db)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE public.notifications (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), body text);"
            "CREATE TRIGGER push AFTER INSERT ON public.notifications FOR EACH ROW EXECUTE FUNCTION "
            "supabase_functions.http_request('https://example.supabase.co/f', 'POST', '{}', '{}', '5000')"
        )
    copy = create_database(scratch_server)
    try:
        copied = copy_live(scratch_db, copy, scratch_server)
        assert not [n for n in copied.notes if n.startswith("restore:")], copied.notes
        with psycopg.connect(copy) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.notifications'::regclass "
                "AND NOT tgisinternal"
            ).fetchone()
        assert row == (1,)
    finally:
        drop_database(scratch_server, database_name(copy))
