"""The consolidation fix on a real scratch database: every row accounted for, values moved not nulled,
definers converted or kept by exact signature, and a second run changes nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pgconsolidate.catalog.reader import read_snapshot
from pgconsolidate.compare.diff import diff_snapshots
from pgconsolidate.db.connect import connection
from pgconsolidate.errors import DatabaseError
from pgconsolidate.generate.fix import generate_fix
from pgconsolidate.plan.model import Plan
from pgconsolidate.plan.propose import (
    propose_definers,
    propose_embeddings,
    propose_functions,
    propose_indexes,
    propose_merges,
)
from pgconsolidate.sources.model import MigrationDir, Scheme
from pgconsolidate.verify.facts import read_facts
from pgconsolidate.verify.replay import run_script

from .helpers import build_twins


def _proposed(url: str) -> tuple[Plan, object]:
    snap, facts = read_snapshot(url), read_facts(url)
    mdir = MigrationDir("x", Scheme.SUPABASE, ())
    merges = propose_merges(snap, facts)
    emb = propose_embeddings(mdir, snap, facts, merges)
    plan = Plan(
        "x",
        "supabase",
        (),
        merges=tuple(merges),
        embeddings=tuple(emb),
        functions=tuple(propose_functions(mdir, snap, None)),
        definers=tuple(propose_definers(snap, facts, set())),
        indexes=tuple(propose_indexes(snap, emb, {m.source for m in merges}, facts)),
    )
    return plan, snap


def _one(url: str, q: str) -> tuple[object, ...]:
    with connection(url) as conn:
        row = conn.execute(q.encode()).fetchone()
    assert row is not None
    return tuple(row)


def test_proposal_finds_the_twins(scratch_db: str) -> None:
    build_twins(scratch_db)
    plan, _ = _proposed(scratch_db)
    assert [(m.source, m.target) for m in plan.merges] == [("public.ai_notes", "public.notes")]
    m = plan.merges[0]
    assert m.on_collision == "keep-both" and m.key == "id"
    by_target = {c.target: c for c in m.columns}
    assert by_target["importance"].source == "importance_score"
    assert by_target["owner_id"].expr and "helpers" in by_target["owner_id"].expr
    emb = {e.identity: e for e in plan.embeddings}
    assert emb["public.notes.embedding"].dimension == 4
    assert emb["public.notes.embedding"].move_dimensions == (3,)
    assert emb["public.ai_notes.embedding"].move_dimensions == (3,)
    # ambiguous overloads: all kept as the database has them (nothing dropped), and the plan says so
    assert not plan.functions[0].drop and plan.functions[0].keep.startswith("public.pick(")
    assert "all are kept" in plan.functions[0].reason
    assert [d.function for d in plan.definers] == ["public.note_count(uuid)"]


def test_keep_both_accounts_for_every_row_and_second_run_is_a_no_op(scratch_db: str) -> None:
    build_twins(scratch_db)
    plan, snap = _proposed(scratch_db)
    fix = generate_fix(plan, snap)
    assert fix.count("BEGIN;") == 1 and fix.rstrip().endswith("COMMIT;")
    run_script(scratch_db, fix, "fix")
    # 30 notes + 15 ai_notes, of which 10 collide: all 45 rows kept
    assert _one(scratch_db, "SELECT count(*) FROM notes") == (45,)
    # 28 + 15 embeddings before: 20 + 10 of 4 dims stay, 8 + 5 of 3 dims moved, none nulled
    assert _one(scratch_db, "SELECT count(embedding), count(embedding_3) FROM notes") == (30, 13)
    assert _one(
        scratch_db,
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = 'notes'::regclass AND attname = 'embedding'",
    ) == ("vector(4)",)
    assert _one(
        scratch_db, "SELECT count(*) FILTER (WHERE key_changed), count(*) FROM notes_merge_origin"
    ) == (10, 15)
    # the colliding rows got new keys and kept their content; the original notes are untouched
    assert _one(
        scratch_db,
        "SELECT count(*) FROM notes n JOIN notes_merge_origin o ON o.target_key = n.id "
        "WHERE o.key_changed AND n.body LIKE 'ai note %' AND n.id::text <> o.source_key",
    ) == (10,)
    assert _one(scratch_db, "SELECT count(*) FROM notes WHERE body LIKE 'note %'") == (30,)
    assert _one(scratch_db, "SELECT extra->>'kind' FROM notes_merge_origin LIMIT 1") == ("fact",)
    assert _one(scratch_db, "SELECT to_regclass('public.ai_notes') IS NULL") == (True,)
    # the merge moved rows like a bulk import: the insert trigger did not fire, and it is enabled again
    assert _one(scratch_db, "SELECT count(*) FROM note_log") == (0,)
    assert _one(scratch_db, "SELECT tgenabled FROM pg_trigger WHERE tgname = 'notes_log'") == ("O",)
    assert _one(scratch_db, "SELECT count(*) FROM pg_proc WHERE proname = 'pick'") == (2,)
    assert _one(scratch_db, "SELECT prosecdef FROM pg_proc WHERE proname = 'note_count'") == (False,)
    before = read_snapshot(scratch_db)
    run_script(scratch_db, fix, "fix again")
    assert diff_snapshots(before, read_snapshot(scratch_db)).differences == ()
    assert _one(scratch_db, "SELECT count(*) FROM notes") == (45,)


@pytest.mark.parametrize("strategy", ["prefer-target", "prefer-source"])
def test_prefer_strategies_keep_the_losing_rows(scratch_db: str, strategy: str) -> None:
    build_twins(scratch_db)
    plan, snap = _proposed(scratch_db)
    plan = replace(plan, merges=(replace(plan.merges[0], on_collision=strategy),))
    run_script(scratch_db, generate_fix(plan, snap), "fix")
    assert _one(scratch_db, "SELECT count(*) FROM notes") == (35,)
    if strategy == "prefer-target":
        assert _one(scratch_db, "SELECT count(*) FROM ai_notes_merge_unmerged") == (10,)
        assert _one(scratch_db, "SELECT count(*) FROM notes WHERE body LIKE 'ai note %'") == (5,)
    else:
        assert _one(scratch_db, "SELECT count(*) FROM notes_merge_replaced") == (10,)
        assert _one(scratch_db, "SELECT count(*) FROM notes WHERE body LIKE 'ai note %'") == (15,)


def test_fail_strategy_and_unplanned_dimension_roll_back(scratch_db: str) -> None:
    build_twins(scratch_db)
    plan, snap = _proposed(scratch_db)
    failing = replace(plan, merges=(replace(plan.merges[0], on_collision="fail"),))
    with pytest.raises(DatabaseError, match="on_collision = fail"):
        run_script(scratch_db, generate_fix(failing, snap), "fix")
    no_move = replace(plan, embeddings=tuple(replace(e, move_dimensions=()) for e in plan.embeddings))
    with pytest.raises(DatabaseError, match="dimension the plan does not handle"):
        run_script(scratch_db, generate_fix(no_move, snap), "fix")
    # nothing changed: both tables and all embeddings still there
    assert _one(scratch_db, "SELECT count(*), count(embedding) FROM notes") == (30, 28)
    assert _one(scratch_db, "SELECT count(*) FROM ai_notes") == (15,)


def test_kept_definer_is_pinned_and_revoked(scratch_db: str) -> None:
    build_twins(scratch_db)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE ROLE anon NOLOGIN"
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'anon'").fetchone()
            else "SELECT 1"
        )
        conn.execute("GRANT EXECUTE ON FUNCTION public.note_count(uuid) TO anon")
    plan, snap = _proposed(scratch_db)
    plan = replace(plan, definers=(replace(plan.definers[0], action="keep", search_path=""),))
    run_script(scratch_db, generate_fix(plan, snap), "fix")
    assert _one(
        scratch_db,
        "SELECT prosecdef, proconfig::text, has_function_privilege('anon', oid, 'EXECUTE') "
        "FROM pg_proc WHERE proname = 'note_count'",
    ) == (True, '{"search_path=\\"\\""}', False)


FIXED_TWINS = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE public.docs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL,
                          metadata jsonb, embedding vector(4), created_at timestamptz DEFAULT now());
CREATE TABLE public.old_docs (id bigint PRIMARY KEY, body text NOT NULL, metadata jsonb,
                              embedding vector(3), created_at timestamptz DEFAULT now());
INSERT INTO public.docs (body, embedding) SELECT 'doc ' || g, '[1,2,3,4]' FROM generate_series(1, 20) g;
INSERT INTO public.old_docs SELECT g, 'old ' || g, NULL, '[1,2,3]' FROM generate_series(15, 24) g;
"""


def test_fixed_dimension_mismatch_and_integer_keys(scratch_db: str) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(FIXED_TWINS.encode())
    plan, snap = _proposed(scratch_db)
    assert [(m.source, m.target) for m in plan.merges] == [("public.old_docs", "public.docs")]
    emb = {e.identity: e for e in plan.embeddings}
    assert emb["public.docs.embedding"].move_dimensions == (3,)
    assert emb["public.old_docs.embedding"].dimension == 4
    fix = generate_fix(plan, snap)
    run_script(scratch_db, fix, "fix")
    # 20 + 10 rows; ids 15..20 collided and got new ids from the identity sequence
    assert _one(scratch_db, "SELECT count(*), count(embedding), count(embedding_3) FROM docs") == (30, 20, 10)
    assert _one(scratch_db, "SELECT count(DISTINCT id), max(id) FROM docs") == (30, 30)
    # the identity sequence is past the merged keys: a new row gets a fresh id
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("INSERT INTO docs (body) VALUES ('new')")
    assert _one(scratch_db, "SELECT max(id) FROM docs") == (31,)
    before = read_snapshot(scratch_db)
    run_script(scratch_db, fix, "fix again")
    assert diff_snapshots(before, read_snapshot(scratch_db)).differences == ()
