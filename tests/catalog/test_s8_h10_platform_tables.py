"""The project's own objects on the platform's tables are read: a trigger on ``auth.users`` calling the
project's function, a policy on ``storage.objects``, with the usual identities; the platform's own
(a trigger calling a function of a managed schema, an extension's policy) are not, and the census does
not call triggers empty when the only one is the project's on ``auth.users``."""

from __future__ import annotations

import psycopg
import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.db.connect import connection
from pgconsolidate.scratch.supabase import install_supabase_base

PROJECT = """
CREATE TABLE public.profiles (id uuid PRIMARY KEY REFERENCES auth.users ON DELETE CASCADE);
CREATE FUNCTION public.handle_new_user() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = '' AS $$ BEGIN INSERT INTO public.profiles (id) VALUES (new.id); RETURN new; END $$;
CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users
    FOR EACH ROW EXECUTE FUNCTION public.handle_new_user();
COMMENT ON TRIGGER on_auth_user_created ON auth.users IS 'a profile per user';
CREATE POLICY "public read" ON storage.objects FOR SELECT TO anon USING (bucket_id = 'public');
"""

PLATFORM = """
CREATE FUNCTION storage.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN new; END $$;
CREATE TRIGGER update_objects_updated_at BEFORE UPDATE ON storage.objects
    FOR EACH ROW EXECUTE FUNCTION storage.touch();
CREATE SCHEMA IF NOT EXISTS cron;
CREATE TABLE cron.job (jobid bigint PRIMARY KEY, username text);
ALTER TABLE cron.job ENABLE ROW LEVEL SECURITY;
CREATE POLICY cron_job_policy ON cron.job USING (username = CURRENT_USER);
-- an extension's own table and policy (as pg_cron's): plpgsql stands in for the extension
ALTER EXTENSION plpgsql ADD TABLE cron.job;
"""


@pytest.fixture
def supabase_db(scratch_db: str) -> str:
    install_supabase_base(scratch_db)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(PLATFORM.encode())
    return scratch_db


def _triggers_maybe(url: str) -> bool:
    skip = reader_module.skipped_schemas(False)
    with connection(url) as conn, conn.transaction():
        _, census = reader_module._send_preamble(conn, skip)
        return "triggers" not in reader_module._empty_kinds(census)


def test_platform_objects_alone_are_not_read(supabase_db: str) -> None:
    snap = read_snapshot(supabase_db)
    assert snap.triggers == ()
    assert snap.policies == ()
    assert not _triggers_maybe(supabase_db)  # the platform's trigger: the query is not even run


def test_project_objects_on_platform_tables_are_read(supabase_db: str) -> None:
    with psycopg.connect(supabase_db, autocommit=True) as conn:
        conn.execute(PROJECT.encode())
    assert _triggers_maybe(supabase_db)
    for include_extension_objects in (False, True):
        snap = read_snapshot(supabase_db, include_extension_objects=include_extension_objects)
        assert [(t.identity, t.table, t.comment) for t in snap.triggers] == [
            ("auth.users.on_auth_user_created", "auth.users", "a profile per user")
        ]
        assert "EXECUTE FUNCTION handle_new_user()" in snap.triggers[0].definition
        assert [(p.identity, p.table, p.roles, p.using) for p in snap.policies] == [
            ("storage.objects.public read", "storage.objects", ("anon",), "(bucket_id = 'public'::text)")
        ]
        # the platform's tables themselves are still left out
        assert not {t.identity for t in snap.tables} & {"auth.users", "storage.objects"}


def test_include_managed_schemas_reads_the_platform_objects_too(supabase_db: str) -> None:
    with psycopg.connect(supabase_db, autocommit=True) as conn:
        conn.execute(PROJECT.encode())
    snap = read_snapshot(supabase_db, include_managed_schemas=True)
    assert {t.identity for t in snap.triggers} == {
        "auth.users.on_auth_user_created",
        "storage.objects.update_objects_updated_at",
    }
    assert {p.identity for p in snap.policies} == {"storage.objects.public read"}
    assert "storage.objects" in {t.identity for t in snap.tables}
