"""libpg_query's scanner split leaves out a statement that does not begin with a keyword (``selec 1;``, a
stray word, a number): such a statement between two others must still be a parse error in analyze, and a
failure in replay, never silently skipped (the file "applied cleanly" before)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.statements.split import scanner_slices, split_sql, uncovered

TEXT = (
    "create table t (id int primary key);\n"
    "selec 1;\n"  # line 2
    "create table u (id int primary key);\n"
    "foo 'a;b'; 42;\n"  # line 4: two dropped statements, a ';' inside a quote
    "comment on table u is 'é';\n"
    "bär 1;\n"  # line 6: after a non-ASCII character
    "create table v (id int);\n"
)


def test_the_scanner_slices_keep_what_the_scanner_skips() -> None:
    texts = [TEXT[s].strip() for s in scanner_slices(TEXT)]
    assert "selec 1" in texts
    assert "foo 'a;b'" in texts
    assert "42" in texts
    assert "bär 1" in texts
    assert texts[-1] == "create table v (id int)"


def test_uncovered_cuts_between_bounds_only() -> None:
    text = "select 1; x y; select 2; z;"
    assert [text[s] for s in uncovered(text, 9, 24)] == ["x y", "select 2"]


def test_analyze_reports_each_skipped_statement() -> None:
    fs = split_sql("f.sql", TEXT)
    assert [(f.line, f.message.split(" (")[0]) for f in fs.failures] == [
        (2, 'syntax error at or near "selec"'),
        (4, 'syntax error at or near "foo"'),
        (4, 'syntax error at or near "42"'),
        (6, 'syntax error at or near "bär"'),
    ]
    assert [st.kind for st in fs.statements] == ["CreateStmt", "CreateStmt", "CommentStmt", "CreateStmt"]


def test_replay_fails_the_statement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "20240101000000_a.sql").write_text(
        "create table t (id int primary key);\nselec 1;\ncreate table u (id int primary key);\n"
    )
    assert run(["replay", str(d), "--keep-going", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [(f["line"], f["sqlstate"]) for f in out["failures"]] == [(2, "42601")]
