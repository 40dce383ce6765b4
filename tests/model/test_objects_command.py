"""``pgconsolidate objects [DIR] [PATTERN]``: timelines file by file, text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

EXAMPLE_MIGRATIONS = (
    Path(__file__).resolve().parents[2] / "examples" / "ai-memory" / "supabase" / "migrations"
)


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    (tmp_path / "001_a.sql").write_text("create table memories (id int primary key, e vector(3));\n")
    (tmp_path / "002_b.sql").write_text(
        "\n\nalter table memories add column note text;\nalter table memories rename to notes;\n"
        "grant select on notes to anon;\n"
    )
    (tmp_path / "003_c.sql").write_text("drop table notes;\n")
    return tmp_path


def test_json_timeline(migrations: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["objects", str(migrations), "public.notes", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1
    objs = {o["id"]: o for o in doc["objects"]}
    notes = objs["public.notes"]
    assert notes["kind"] == "table" and notes["exists"] is False
    assert [(e["file"], e["line"], e["action"]) for e in notes["events"]] == [
        ("001_a.sql", 1, "create"),
        ("002_b.sql", 4, "rename"),
        ("002_b.sql", 5, "grant"),
        ("003_c.sql", 1, "drop"),
    ]
    assert objs["public.notes.note"]["events"][0]["line"] == 3


def test_glob_and_text_output(migrations: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["objects", str(migrations), "public.memories.*"]) == 0
    out = capsys.readouterr().out
    assert "public.memories.id" in out and "public.memories.e" in out
    # memories was renamed to notes (then dropped, as public.notes itself says): its columns moved with it
    assert "001_a.sql" in out and "column, moved with its table (renamed to public.notes)" in out
    assert "public.notes " not in out


def test_no_match_is_not_an_error(migrations: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["objects", str(migrations), "nothing_like_this"]) == 0
    assert "no object matches" in capsys.readouterr().err


def test_example_where_did_search_memories_come_from(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["objects", str(EXAMPLE_MIGRATIONS), "search_memories(", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    obj = next(o for o in doc["objects"] if o["id"] == "public.search_memories(text, integer)")
    files = [e["file"] for e in obj["events"] if e["action"].startswith("create")]
    assert files[0] == "004_memory_search_functions.sql"
    assert files[-1] == "20250618101010_search_memories_v3.sql"


def test_missing_directory_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["objects", str(tmp_path / "nope")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_renamed_object_says_where_it_went(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "001_a.sql").write_text(
        "create table old_t (id int primary key, gone int, kept int);\n"
        "alter table old_t drop column gone;\nalter table old_t rename to new_t;\n"
    )
    assert run(["objects", str(tmp_path), "public.old_t*"]) == 0
    heads = [line for line in capsys.readouterr().out.splitlines() if line.startswith("public.")]
    assert "public.old_t  table, renamed to public.new_t" in heads
    assert "public.old_t.kept  column, moved with its table (renamed to public.new_t)" in heads
    assert "public.old_t.gone  column, dropped" in heads  # dropped before the rename: dropped
