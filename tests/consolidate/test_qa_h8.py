"""Fresh-eyes QA regressions: problems found by running the whole user path on migration directories
the tests had not seen (a Supabase SaaS project with a partitioned table and a duplicated profiles table)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pgconsolidate.db.connect import connection
from pgconsolidate.generate.cleanset import idempotent
from pgconsolidate.generate.fix import generate_fix
from pgconsolidate.verify.replay import run_script

from .helpers import build_twins
from .test_fix import _proposed


@pytest.mark.parametrize("strategy", ["keep-both", "prefer-target", "prefer-source"])
def test_merge_bookkeeping_tables_are_closed_to_the_api(scratch_db: str, strategy: str) -> None:
    """The tables the fix creates hold merged keys and whole rows; with Supabase's default privileges
    they were granted to anon with RLS off. Row level security (no policy) now closes them."""
    build_twins(scratch_db)
    plan, snap = _proposed(scratch_db)
    plan = replace(plan, merges=(replace(plan.merges[0], on_collision=strategy),))
    run_script(scratch_db, generate_fix(plan, snap), "fix")
    with connection(scratch_db) as conn:
        rows = conn.execute(
            b"SELECT relname, relrowsecurity FROM pg_class WHERE relkind = 'r' AND relname ~ '_merge_'"
        ).fetchall()
    names = {r[0] for r in rows}
    assert "notes_merge_origin" in names
    if strategy == "prefer-target":
        assert "ai_notes_merge_unmerged" in names
    if strategy == "prefer-source":
        assert "notes_merge_replaced" in names
    assert all(r[1] for r in rows), rows


def test_attach_partition_in_the_clean_set_runs_twice(scratch_db: str) -> None:
    """pg_dump writes a partition as CREATE TABLE + ATTACH PARTITION; the second run of the clean set
    failed with '"events_2024" is already a partition' (wrong_object_type, not in the generic guard)."""
    parent = (
        "CREATE TABLE public.events (id bigint NOT NULL, occurred_at timestamp with time zone NOT NULL)"
        " PARTITION BY RANGE (occurred_at);"
    )
    child = (
        "CREATE TABLE public.events_2024 (id bigint NOT NULL, occurred_at timestamp with time zone NOT NULL);"
    )
    attach = (
        "ALTER TABLE ONLY public.events ATTACH PARTITION public.events_2024 "
        "FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');"
    )
    script = "\n\n".join(idempotent(s, "x.sql") for s in (parent, child, attach))
    assert "pg_inherits" in script
    run_script(scratch_db, script, "clean set")
    run_script(scratch_db, script, "clean set (second run)")
    with connection(scratch_db) as conn:
        row = conn.execute(
            b"SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.events'::regclass"
        ).fetchone()
    assert row is not None and row[0] == 1


def test_policies_on_managed_tables_reach_the_clean_set(scratch_db: str) -> None:
    """Storage policies (``CREATE POLICY ... ON storage.objects``) were left out of the clean set with the
    dump of the managed schemas, and the proof, which reads no managed schema, called it equivalent."""
    from pgconsolidate.verify.dump import managed_triggers

    setup = (
        "CREATE SCHEMA storage; CREATE TABLE storage.objects (bucket_id text, name text);"
        "CREATE ROLE qa_h8_uploader;"
        "CREATE POLICY \"Avatar images are public\" ON storage.objects FOR SELECT"
        " USING (bucket_id = 'avatars');"
        "CREATE POLICY own_upload ON storage.objects AS RESTRICTIVE FOR INSERT TO qa_h8_uploader, public"
        " WITH CHECK (bucket_id = 'avatars' AND name <> '');"
    )
    query = (
        b"SELECT policyname, permissive, roles::text[], cmd, qual, with_check FROM pg_policies"
        b" WHERE schemaname = 'storage' ORDER BY 1"
    )
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(b"DROP ROLE IF EXISTS qa_h8_uploader")
        conn.execute(setup.encode())
        before = conn.execute(query).fetchall()
    try:
        entries = [e for e in managed_triggers(scratch_db) if e.type == "POLICY"]
        assert sorted(e.name for e in entries) == ["objects Avatar images are public", "objects own_upload"]
        script = "\n\n".join(idempotent(e.sql, "x.sql") for e in entries)
        run_script(scratch_db, script, "clean set on a database that has them")  # guarded: harmless
        with connection(scratch_db, autocommit=True) as conn:
            conn.execute(b'DROP POLICY "Avatar images are public" ON storage.objects')
            conn.execute(b"DROP POLICY own_upload ON storage.objects")
        run_script(scratch_db, script, "clean set")
        with connection(scratch_db, autocommit=True) as conn:
            assert conn.execute(query).fetchall() == before
    finally:
        with connection(scratch_db, autocommit=True) as conn:
            conn.execute(b"DROP SCHEMA storage CASCADE")
            conn.execute(b"DROP ROLE qa_h8_uploader")
