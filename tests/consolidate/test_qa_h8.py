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
        'CREATE POLICY "Avatar images are public" ON storage.objects FOR SELECT'
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


def test_keep_both_is_refused_when_the_key_is_also_a_foreign_key(scratch_db: str) -> None:
    """``profiles.id`` references ``auth.users(id)``: keep-both gave colliding rows a random uuid that
    references no user, and the fix failed on the live copy ('violates foreign key constraint'). The
    proposal now picks prefer-target and an edited plan asking keep-both is refused, saying why."""
    from pgconsolidate.catalog.reader import read_snapshot
    from pgconsolidate.plan.check import check_plan
    from pgconsolidate.plan.model import DEFAULT_DOMAINS, Plan
    from pgconsolidate.plan.propose import propose_merges
    from pgconsolidate.plan.toml_write import write_plan

    ddl = (
        "CREATE TABLE accounts (id uuid PRIMARY KEY DEFAULT gen_random_uuid());"
        "CREATE TABLE profiles (id uuid PRIMARY KEY DEFAULT gen_random_uuid() REFERENCES accounts(id),"
        " username text, full_name text, bio text, created_at timestamptz);"
        "CREATE TABLE user_profiles (id uuid PRIMARY KEY DEFAULT gen_random_uuid() REFERENCES accounts(id),"
        " username text, full_name text, bio text, created_at timestamptz);"
        "CREATE TABLE posts (id bigint PRIMARY KEY, author uuid REFERENCES profiles(id));"
    )
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(ddl.encode())
    snap = read_snapshot(scratch_db)
    merges = propose_merges(snap, None)
    assert [(m.source, m.target, m.on_collision) for m in merges] == [
        ("public.user_profiles", "public.profiles", "prefer-target")
    ]
    assert "also a foreign key" in merges[0].reason
    plan = Plan(
        "x", "supabase", (), merges=(replace(merges[0], on_collision="keep-both"),), domains=DEFAULT_DOMAINS
    )
    text = write_plan(plan)
    problems = check_plan(plan, text, current_files={}, snapshots=(snap,))
    assert len(problems) == 1, problems
    assert "public.profiles.id is also a foreign key" in problems[0].message
    assert text.splitlines()[problems[0].line - 1].startswith("on_collision =")
