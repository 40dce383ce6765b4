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


def _merge_dir(tmp_path: Path) -> Path:
    d = tmp_path / "mig"
    d.mkdir()
    cols = "id bigint PRIMARY KEY, username text, full_name text, bio text, created_at timestamptz"
    (d / "001_profiles.sql").write_text(f"CREATE TABLE public.profiles ({cols});\n")
    (d / "002_user_profiles.sql").write_text(
        f"CREATE TABLE public.user_profiles ({cols});\n"
        "CREATE FUNCTION public.on_signup(uid bigint) RETURNS void LANGUAGE plpgsql AS $$\n"
        "BEGIN\n  INSERT INTO public.user_profiles (id) VALUES (uid);\nEND;\n$$;\n"
    )
    return d


def test_source_still_written_by_a_function_is_kept(tmp_path: Path) -> None:
    d = _merge_dir(tmp_path)
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    text = plan.read_text()
    merge = text[text.index("[[merge]]") :]
    assert 'source = "public.user_profiles"' in merge or 'source = "public.profiles"' in merge
    assert "drop_source = false" in merge and "public.on_signup(bigint)" in merge
    # asking to drop it anyway is a plan problem, at the merge's source line
    edited = tmp_path / "edited.toml"
    edited.write_text(text.replace("drop_source = false", "drop_source = true"))
    assert run(["plan", "--check", str(edited)]) == 1


def test_check_names_the_routine_and_line(tmp_path: Path, capsys) -> None:
    d = _merge_dir(tmp_path)
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    text = plan.read_text().replace("drop_source = false", "drop_source = true")
    plan.write_text(text)
    capsys.readouterr()
    assert run(["plan", "--check", str(plan)]) == 1
    out = capsys.readouterr().out
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("source = "))
    assert f"{plan}:{line}: drop_source = true" in out and "public.on_signup(bigint)" in out


def test_kept_source_is_explained_in_the_report(tmp_path: Path) -> None:
    d = _merge_dir(tmp_path)
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 0
    report = (out / "REPORT.md").read_text()
    assert "`public.user_profiles` is kept (drop_source = false)" in report
    assert "public.on_signup(bigint)" in report
    manifest = json.loads((out / "pgconsolidate-output.json").read_text())
    assert manifest["summary"]["sources_kept"] == ["public.user_profiles"]
