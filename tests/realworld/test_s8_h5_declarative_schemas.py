"""Supabase declarative schemas (``supabase/schemas/*.sql``: the desired state that ``supabase db diff``
turns into migrations), as large projects keep them next to ``supabase/migrations``. Given that directory,
every command said only "no migration files" (each file "has no version prefix"). Now: the message says
what the files are and names the migrations directory; ``compare MIGRATIONS supabase/schemas`` replays
the schema files (lexicographic order of their paths, subdirectories included) and shows whether the
migrations (or a clean set) still match them; ``consolidate`` of ``supabase/migrations`` points at that
check."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.cli import run


def _project(tmp_path: Path, tags: str) -> Path:
    sb = tmp_path / "proj" / "supabase"
    (sb / "schemas" / "b").mkdir(parents=True)
    (sb / "migrations").mkdir()
    (sb / "schemas" / "a_notes.sql").write_text(
        "create table public.notes (id bigint primary key, body text);\n"
    )
    (sb / "schemas" / "b" / "tags.sql").write_text(tags)
    (sb / "migrations" / "20250101000000_notes.sql").write_text(
        "create table public.notes (id bigint primary key);\n"
    )
    (sb / "migrations" / "20250102000000_tags.sql").write_text(
        "alter table public.notes add column body text;\ncreate table public.tags (id bigint primary key);\n"
    )
    return sb


def test_schemas_directory_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sb = _project(tmp_path, "create table public.tags (id bigint primary key);\n")
    assert run(["plan", str(sb / "schemas"), "-o", str(tmp_path / "p.toml")]) == 2
    said = capsys.readouterr().err
    assert "Supabase declarative schema files" in said
    assert f"did you mean {sb / 'migrations'}?" in said.replace("\n", "")


def test_compare_with_migrations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sb = _project(tmp_path, "create table public.tags (id bigint primary key);\n")
    assert run(["compare", str(sb / "migrations"), str(sb / "schemas")]) == 0
    assert "equivalent" in capsys.readouterr().out
    (sb / "schemas" / "b" / "tags.sql").write_text(
        "create table public.tags (id bigint primary key, name text);\n"
    )
    assert run(["compare", str(sb / "migrations"), str(sb / "schemas")]) == 1
    assert "public.tags.name" in capsys.readouterr().out


def test_consolidate_points_at_the_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sb = _project(tmp_path, "create table public.tags (id bigint primary key);\n")
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(sb / "migrations"), "-o", str(plan)]) == 0
    capsys.readouterr()
    assert run(["consolidate", str(sb / "migrations"), "--plan", str(plan), "--out", str(out)]) == 0
    said = capsys.readouterr().out.replace("\n", "")
    assert f"pgconsolidate compare {out / 'migrations'} {sb.resolve() / 'schemas'}" in said
