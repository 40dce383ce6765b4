"""Prisma's tables and indexes keep their case (``"Template"``, ``"idx_fcm_tokens_userId"``). ``check``
asked ``to_regclass('public.idx_fcm_tokens_userId')``, which folds to lower case: every planned index on
Scan-Go/mobile was reported missing after a successful apply; and the proof's row accounting skipped a
merged table named in mixed case (its rows were not counted). Identities are now quoted."""

from __future__ import annotations

from pathlib import Path

import psycopg

from pgconsolidate.deploy.checks import PASS, check_plan_structure
from pgconsolidate.plan.toml_read import read_plan
from pgconsolidate.verify.livecopy import measure
from pgconsolidate.verify.regnames import regclass_text, regprocedure_text

PLAN = """
version = 1
directory = "migrations"
tool = "prisma"
live_only = []

[[merge]]
source = "public.OldNotes"
target = "public.Notes"
key = "id"
key_type = "bigint"
on_collision = "keep-both"
drop_source = false
fire_triggers = false
[[merge.column]]
target = "body"
source = "body"

[[function]]
name = "public.Touch"
keep = "public.Touch(text)"
keep_from = "chain"
drop = []

[[index]]
name = "idx_Notes_userId"
table = "public.Notes"
columns = ["userId"]
method = "btree"
"""


def test_names_are_quoted() -> None:
    assert regclass_text("public.Template") == '"public"."Template"'
    assert regclass_text("Template") == '"public"."Template"'
    assert regprocedure_text("public.Touch(text, integer)") == '"public"."Touch"(text, integer)'


def test_mixed_case_plan_objects_are_found(tmp_path: Path, scratch_db: str) -> None:
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(
            'CREATE TABLE public."Notes" (id bigint PRIMARY KEY, body text, "userId" uuid);'
            'CREATE TABLE public."OldNotes" (id bigint PRIMARY KEY, body text);'
            "INSERT INTO public.\"OldNotes\" VALUES (1, 'a'), (2, 'b');"
            'CREATE INDEX "idx_Notes_userId" ON public."Notes" ("userId");'
            'CREATE FUNCTION public."Touch"(t text) RETURNS text LANGUAGE sql AS $$ SELECT t $$;'
        )
    plan_file = tmp_path / "p.toml"
    plan_file.write_text(PLAN)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        result, _ = check_plan_structure(conn, plan_file)
    assert result.status == PASS, result
    plan, problems = read_plan(PLAN, "p.toml")
    assert not problems
    counts = measure(scratch_db, plan)
    assert counts["public.OldNotes"].rows == 2
    assert counts["public.Notes"].rows == 0
