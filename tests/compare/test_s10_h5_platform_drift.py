"""Drift on the platform's tables shows in ``inspect --against`` and ``compare`` (session 10, H5): a
production database whose storage.objects had row level security switched off, or whose auth.users was
granted to anon, differs from its migration files; the same database read twice does not."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.cli import run
from pgconsolidate.scratch.supabase import install_supabase_base

FILES = """\
create table public.profiles (id uuid primary key references auth.users on delete cascade);
alter table public.profiles enable row level security;
create policy "own profile" on public.profiles for select using (auth.uid() = id);
create policy "own files" on storage.objects for select to authenticated
  using ((storage.foldername(name))[1] = auth.uid()::text);
"""


@pytest.fixture
def project(tmp_path: Path, scratch_db: str) -> tuple[Path, str]:
    """A migrations directory and a database built from it (on the same Supabase base a replay uses)."""
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "20240101000000_profiles.sql").write_text(FILES)
    install_supabase_base(scratch_db)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(FILES.encode())
    return d, scratch_db


def test_no_drift_when_production_is_the_files(
    project: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    d, url = project
    assert run(["compare", str(d), url]) == 0, capsys.readouterr().out


def test_platform_table_drift_is_shown(project: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    d, url = project
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            b"ALTER TABLE storage.objects DISABLE ROW LEVEL SECURITY;"
            b"GRANT SELECT (id, email) ON auth.users TO anon;"
            b"COMMENT ON TABLE storage.buckets IS 'ours'"
        )
    capsys.readouterr()
    assert run(["inspect", "--database-url", url, "--against", str(d)]) == 1
    out = capsys.readouterr().out
    assert "~ managed table storage.objects: row level security enabled → row level security disabled" in out
    assert "~ managed table auth.users: column_privileges: [] → [email anon: SELECT, id anon: SELECT]" in out
    assert "~ managed table storage.buckets: comment: (none) → ours" in out
    assert run(["compare", str(d), url, "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    changed = {(x["identity"], a["name"]) for x in doc["differences"] for a in x["attributes"]}
    assert changed == {
        ("storage.objects", "rls_enabled"),
        ("auth.users", "column_privileges"),
        ("storage.buckets", "comment"),
    }
