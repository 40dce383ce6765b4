"""Foreign keys that reference a merged table are repointed to the merge target inside the fix: every
referencing row survives and points at the row holding its original content; a second run is a no-op."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pgconsolidate.catalog.reader import read_snapshot
from pgconsolidate.compare.diff import diff_snapshots
from pgconsolidate.db.connect import connection
from pgconsolidate.errors import DatabaseError
from pgconsolidate.generate.fix import generate_fix
from pgconsolidate.generate.report import _repointed, referencing_foreign_keys
from pgconsolidate.verify.replay import run_script

from .helpers import build_twins
from .test_fix import _one, _proposed

REFERENCES = """
CREATE TABLE public.note_tags (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    note_id uuid NOT NULL REFERENCES public.ai_notes(id) ON DELETE CASCADE,
    tag text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT '2000-01-01'
);
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER note_tags_touch BEFORE UPDATE ON public.note_tags FOR EACH ROW EXECUTE FUNCTION public.touch();
-- two tags per ai_note: ids 21..30 collide with notes, 31..35 do not; the tag holds the note's body
INSERT INTO public.note_tags (note_id, tag)
  SELECT n.id, n.body FROM public.ai_notes n, generate_series(1, 2);
-- a deferrable key added by hand, with no ON DELETE action, on a nullable column
ALTER TABLE public.note_log ADD COLUMN ai_note uuid;
ALTER TABLE public.note_log ADD CONSTRAINT note_log_ai_note_fk FOREIGN KEY (ai_note)
  REFERENCES public.ai_notes(id) DEFERRABLE INITIALLY DEFERRED;
"""


def _fk_defs(url: str) -> dict[str, str]:
    with connection(url) as conn:
        rows = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid IN ('public.note_tags'::regclass, 'public.note_log'::regclass)"
        ).fetchall()
    return {str(n): str(d) for n, d in rows}


def test_foreign_keys_to_the_merged_table_are_repointed(scratch_db: str) -> None:
    build_twins(scratch_db)
    # the plan is proposed first (more references would make ai_notes the canonical table)
    plan, _ = _proposed(scratch_db)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(REFERENCES.encode())
        conn.execute(
            "INSERT INTO public.note_log (note, ai_note) SELECT NULL, id FROM public.ai_notes "
            "WHERE body IN ('ai note 22', 'ai note 33')"
        )
        conn.execute("INSERT INTO public.note_log (note, ai_note) VALUES (NULL, NULL)")
    snap = read_snapshot(scratch_db)
    assert plan.merges[0].on_collision == "keep-both"
    # REPORT.md names the keys the fix will repoint
    assert sorted(i for i, _ in referencing_foreign_keys(snap, "public.ai_notes")) == [
        "public.note_log.note_log_ai_note_fk",
        "public.note_tags.note_tags_note_id_fkey",
    ]
    lines = _repointed(plan.merges[0], snap)
    assert "repointed to `public.notes`" in lines[0] and len(lines) == 3
    assert "ON DELETE CASCADE" in lines[2]
    fix = generate_fix(plan, snap)
    run_script(scratch_db, fix, "fix")
    assert _one(scratch_db, "SELECT to_regclass('public.ai_notes') IS NULL") == (True,)
    # every referencing row is still there and points at the notes row holding its original ai_note
    assert _one(scratch_db, "SELECT count(*) FROM note_tags") == (30,)
    assert _one(
        scratch_db,
        "SELECT count(*) FILTER (WHERE n.body = t.tag), count(n.id) FROM note_tags t "
        "LEFT JOIN notes n ON n.id = t.note_id",
    ) == (30, 30)
    # 20 tags pointed at colliding rows: they now point at the new keys; the 10 others kept theirs
    assert _one(
        scratch_db,
        "SELECT count(*) FROM note_tags t JOIN notes_merge_origin o ON o.target_key = t.note_id "
        "WHERE o.key_changed",
    ) == (20,)
    # the rewrite was not an edit: the update trigger did not fire, and it is enabled again
    assert _one(scratch_db, "SELECT max(updated_at) = '2000-01-01' FROM note_tags") == (True,)
    assert _one(scratch_db, "SELECT tgenabled FROM pg_trigger WHERE tgname = 'note_tags_touch'") == ("O",)
    assert _one(
        scratch_db,
        "SELECT count(*), count(*) FILTER (WHERE n.body IN ('ai note 22', 'ai note 33')) "
        "FROM note_log l JOIN notes n ON n.id = l.ai_note",
    ) == (2, 2)
    assert _one(scratch_db, "SELECT count(*) FROM note_log") == (3,)
    # same names, columns, actions and deferrability; now on notes, validated
    defs = _fk_defs(scratch_db)
    assert defs["note_tags_note_id_fkey"] == "FOREIGN KEY (note_id) REFERENCES notes(id) ON DELETE CASCADE"
    assert defs["note_log_ai_note_fk"] == (
        "FOREIGN KEY (ai_note) REFERENCES notes(id) DEFERRABLE INITIALLY DEFERRED"
    )
    assert _one(scratch_db, "SELECT bool_and(convalidated) FROM pg_constraint WHERE contype = 'f'") == (True,)
    # ON DELETE CASCADE still acts, now from the target
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("DELETE FROM notes WHERE body = 'ai note 25'")
    assert _one(scratch_db, "SELECT count(*) FROM note_tags") == (28,)
    before = read_snapshot(scratch_db)
    run_script(scratch_db, fix, "fix again")
    assert diff_snapshots(before, read_snapshot(scratch_db)).differences == ()
    assert _one(scratch_db, "SELECT count(*) FROM note_tags") == (28,)
    assert _fk_defs(scratch_db) == defs


SELF_REFERENCE = """
ALTER TABLE public.ai_notes ADD COLUMN parent uuid;
ALTER TABLE public.notes ADD COLUMN parent uuid;
-- each ai_note after the first points at the previous one (colliding and not)
UPDATE public.ai_notes a SET parent = ('20000000-0000-0000-0000-' || lpad((g - 1)::text, 12, '0'))::uuid
  FROM generate_series(22, 35) g WHERE a.id = ('20000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid;
"""


def test_self_reference_of_the_source_moves_to_the_target(scratch_db: str) -> None:
    build_twins(scratch_db)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(SELF_REFERENCE.encode())
    plan, _ = _proposed(scratch_db)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "ALTER TABLE public.ai_notes ADD CONSTRAINT ai_notes_parent_fkey FOREIGN KEY (parent) "
            "REFERENCES public.ai_notes(id) ON DELETE SET NULL"
        )
    snap = read_snapshot(scratch_db)
    assert any(c.target == "parent" and c.source == "parent" for c in plan.merges[0].columns)
    fix = generate_fix(plan, snap)
    run_script(scratch_db, fix, "fix")
    # every merged child points at the merged row that was its parent ('ai note g-1')
    assert _one(
        scratch_db,
        "SELECT count(*), count(*) FILTER (WHERE p.body = 'ai note ' || (substr(c.body, 9)::int - 1)) "
        "FROM notes c JOIN notes p ON p.id = c.parent",
    ) == (14, 14)
    assert _one(
        scratch_db,
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'notes'::regclass "
        "AND contype = 'f' AND confrelid = 'notes'::regclass",
    ) == ("FOREIGN KEY (parent) REFERENCES notes(id) ON DELETE SET NULL",)
    before = read_snapshot(scratch_db)
    run_script(scratch_db, fix, "fix again")
    assert diff_snapshots(before, read_snapshot(scratch_db)).differences == ()


@pytest.mark.parametrize("strategy", ["prefer-target", "prefer-source"])
def test_prefer_strategies_keep_every_reference(scratch_db: str, strategy: str) -> None:
    build_twins(scratch_db)
    plan, _ = _proposed(scratch_db)
    plan = replace(plan, merges=(replace(plan.merges[0], on_collision=strategy),))
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(REFERENCES.encode())
        # a partitioned referencing table: its key is re-created on the parent (and its partitions)
        conn.execute(
            b"CREATE TABLE public.note_events (note uuid REFERENCES public.ai_notes(id), at int NOT NULL) "
            b"PARTITION BY RANGE (at); CREATE TABLE public.note_events_1 PARTITION OF public.note_events "
            b"FOR VALUES FROM (0) TO (100); INSERT INTO public.note_events SELECT id, 1 FROM public.ai_notes"
        )
    run_script(scratch_db, generate_fix(plan, read_snapshot(scratch_db)), "fix")
    # no key changed: the 30 tags keep their values and all resolve in notes
    assert _one(
        scratch_db, "SELECT count(*), count(n.id) FROM note_tags t LEFT JOIN notes n ON n.id = t.note_id"
    ) == (
        30,
        30,
    )
    assert _one(
        scratch_db, "SELECT count(*), count(n.id) FROM note_events e LEFT JOIN notes n ON n.id = e.note"
    ) == (
        15,
        15,
    )
    assert _one(
        scratch_db,
        "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = 'notes'::regclass "
        "AND conrelid IN ('note_events'::regclass, 'note_events_1'::regclass)",
    ) == (2,)


def test_a_key_that_cannot_be_repointed_rolls_everything_back(scratch_db: str) -> None:
    build_twins(scratch_db)
    plan, _ = _proposed(scratch_db)
    with connection(scratch_db, autocommit=True) as conn:
        # references ai_notes.body, which is unique there but not in notes: no key can reference notes.body
        conn.execute(
            b"ALTER TABLE public.ai_notes ADD CONSTRAINT ai_notes_body_key UNIQUE (body); "
            b"CREATE TABLE public.quotes (body text REFERENCES public.ai_notes(body)); "
            b"INSERT INTO public.quotes SELECT body FROM public.ai_notes"
        )
    with pytest.raises(DatabaseError, match="unique constraint"):
        run_script(scratch_db, generate_fix(plan, read_snapshot(scratch_db)), "fix")
    assert _one(scratch_db, "SELECT count(*) FROM ai_notes") == (15,)
    assert _one(scratch_db, "SELECT count(*) FROM notes") == (30,)
    assert _one(
        scratch_db, "SELECT confrelid::regclass::text FROM pg_constraint WHERE conrelid = 'quotes'::regclass"
    ) == ("ai_notes",)
