"""A relation the files create but a fresh replay does not build is named in the plan, with its cause."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.plan.toml_read import read_plan


def _dir(tmp_path: Path) -> Path:
    d = tmp_path / "migrations"
    d.mkdir()
    # 001 uses a type that only 002 creates: on a fresh database `notes` is never built
    (d / "001_notes.sql").write_text(
        "CREATE TABLE public.notes (id bigint PRIMARY KEY, mood public.mood);\n"
        "CREATE TABLE public.kept (id bigint PRIMARY KEY);\n"
    )
    (d / "002_mood.sql").write_text("CREATE TYPE public.mood AS ENUM ('ok', 'sad');\n")
    return d


def test_unbuilt_table_is_a_note_with_its_failure(tmp_path: Path, capsys) -> None:
    d = _dir(tmp_path)
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(plan), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["notes"]) == 1
    note = doc["notes"][0]
    assert "public.notes" in note and "001_notes.sql:1" in note
    assert 'type "public.mood" does not exist' in note
    text = plan.read_text()
    assert "# NOTE: table public.notes is created at 001_notes.sql:1" in text
    # the note is a comment: the plan still reads back without problems
    _, problems = read_plan(text, str(plan))
    assert not problems


def test_no_note_when_everything_is_built(tmp_path: Path, capsys) -> None:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "001_t.sql").write_text("CREATE TABLE public.t (id bigint PRIMARY KEY);\n")
    assert run(["plan", str(d), "-o", str(tmp_path / "p.toml"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["notes"] == []
