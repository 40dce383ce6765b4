"""pg_dump 17.6+/18 writes ``\\restrict <key>`` / ``\\unrestrict <key>`` around a plain dump, and hand-written
files carry ``\\set ON_ERROR_STOP on``, ``\\connect db``, ``\\echo``: a migration tool sends those lines to
the server, which rejects them. analyze said a bare ``syntax error at or near "\\"`` and lost the statement
glued to the line (``\\restrict abc`` + ``CREATE TABLE t`` modelled no table t); replay's --keep-going lost
it too (the line and the statement were one failing unit). Now analyze, replay and consolidate's REPORT.md
say what the line is in the same words, at its own file:line, and all of them read the SQL after it as
psql does (what the file is once the line is deleted, as the message asks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.deploy.units import file_unit
from pgconsolidate.errors import InputError
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.statements.psql import meta_command_hint

from .helpers import consolidated, migrations

FILES = {
    "20240101000000_init.sql": (
        "\\restrict abc123\nCREATE TABLE t (id int primary key);\n\\unrestrict abc123\n"
    ),
    "20240102000000_two.sql": (
        "\\echo two\n\\set ON_ERROR_STOP on\nCREATE TABLE u (id int primary key, t_id int REFERENCES t);\n"
        "\\echo two\n"
    ),
}
EXPECTED = [
    ("20240101000000_init.sql", 1, "\\restrict"),
    ("20240101000000_init.sql", 3, "\\unrestrict"),
    ("20240102000000_two.sql", 1, "\\echo"),
    ("20240102000000_two.sql", 2, "\\set"),
    ("20240102000000_two.sql", 4, "\\echo"),  # the same line again: its own line, not the first one's
]


def test_analyze_says_what_the_line_is_and_models_what_follows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = migrations(tmp_path, FILES)
    assert run(["analyze", str(d), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    errors = [f for f in doc["findings"] if f["rule"] == "parse-error"]
    assert [(f["file"], f["line"], f["severity"]) for f in errors] == [
        (f, n, "error") for f, n, _ in EXPECTED
    ]
    for finding, (_, _, command) in zip(errors, EXPECTED, strict=True):
        assert finding["message"].startswith(meta_command_hint(command))
    ids = {o["id"] for o in doc["objects"]}
    assert {"public.t", "public.u"} <= ids
    assert {f["path"]: f["statements"] for f in doc["files"]} == dict.fromkeys(FILES, 1)


def test_replay_and_consolidate_say_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = migrations(tmp_path, FILES)
    assert run(["replay", str(d), "--keep-going", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    failures = [(f["file"], f["line"], f["hint"]) for f in doc["failures"]]
    assert failures == [(f, n, meta_command_hint(c)) for f, n, c in EXPECTED]  # u's REFERENCES t worked
    out = consolidated(tmp_path, d)
    report = (out / "REPORT.md").read_text()
    said = meta_command_hint("\\restrict")
    assert f'`20240101000000_init.sql:1` 42601: syntax error at or near "\\" ({said})' in report
    clean = "".join(p.read_text() for p in (out / "migrations").glob("*.sql"))
    assert "CREATE TABLE IF NOT EXISTS public.t (" in clean
    assert "CREATE TABLE IF NOT EXISTS public.u (" in clean


def test_apply_refuses_it_before_any_work_in_the_same_words(tmp_path: Path) -> None:
    mdir = read_dir(migrations(tmp_path, FILES))
    with pytest.raises(InputError) as refused:
        file_unit(mdir.files[0])
    said = meta_command_hint("\\restrict")
    assert str(refused.value) == f"20240101000000_init.sql:1: cannot apply: {said}"
