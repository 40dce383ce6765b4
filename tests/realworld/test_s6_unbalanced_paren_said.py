"""A statement with an unbalanced parenthesis (a ``CREATE FUNCTION f(`` line pasted twice, found in a
Supabase project's migrations) made libpg_query's scanner split drop the rest of the file: analyze said
"0 parse errors", replay said the file "applied cleanly", and the function, its REVOKE and its GRANT
vanished from every stage without a word. The statement is now reported where it is, and the statements
after it are kept."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.statements.split import split_sql

from .helpers import migrations

SQL = (
    "DROP FUNCTION IF EXISTS public.vote(uuid);\n"
    "\n"
    "CREATE OR REPLACE FUNCTION public.vote(\n"
    "CREATE OR REPLACE FUNCTION public.vote(\n"
    "  p_id uuid\n"
    ") RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n"
    "\n"
    "REVOKE ALL ON FUNCTION public.vote FROM PUBLIC;\n"
    "CREATE TABLE kept (id int PRIMARY KEY);\n"
)


def test_split_keeps_what_follows_an_unbalanced_parenthesis() -> None:
    out = split_sql("f.sql", SQL)
    assert [s.line for s in out.statements] == [1, 8, 9]
    assert out.statements[-1].kind == "CreateStmt"
    assert len(out.failures) == 1
    failure = out.failures[0]
    assert (failure.line, failure.column) == (4, 1) and 'near "CREATE"' in failure.message
    # a closing parenthesis too many, and trailing semicolons only
    extra = split_sql("g.sql", "SELECT 1; SELECT 1); SELECT 2;\n;;\n")
    assert [s.text for s in extra.statements] == ["SELECT 1", "SELECT 2"] and len(extra.failures) == 1
    assert split_sql("h.sql", "SELECT 1;;  ; -- done\n").failures == ()


def test_analyze_reports_the_parse_error(tmp_path: Path, capsys) -> None:
    d = migrations(tmp_path, {"20240101000000_vote.sql": SQL}, sub="supabase/migrations")
    assert run(["analyze", str(d), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    errors = [f for f in findings if f["rule"] == "parse-error"]
    assert len(errors) == 1 and errors[0]["line"] == 3 and "(at line 4, column 1)" in errors[0]["message"]


def test_replay_reports_it_and_runs_the_rest(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(tmp_path, {"001_vote.sql": SQL})
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=True)
    assert not result.ok
    roots = [f for f in result.failures if f.root_cause is None]
    assert [(f.file, f.line, f.sqlstate) for f in roots] == [("001_vote.sql", 3, "42601")]
    revoke = [f for f in result.failures if f.line == 8]
    assert revoke and revoke[0].root_cause is not None and revoke[0].root_cause.line == 3
    assert result.files[0].statements == 4
