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
