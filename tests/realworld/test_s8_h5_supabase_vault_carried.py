"""Found on a Supabase project (pg_cron + pg_net + Vault): ``SELECT vault.create_secret('http://...',
'project_url')`` failed on the scratch server (``schema "vault" does not exist``) with the hint "created
by no earlier migration (made by hand or from the dashboard?)", and the clean set dropped it, so a fresh
database's cron job read a NULL URL. Vault (extension supabase_vault) is on every Supabase project before
the first migration. Such a statement is now the platform's: skipped, with a hint that says so, and
carried into the clean set as written (verify: not proven); a ``DO`` block that calls vault but catches
the error (``EXCEPTION WHEN OTHERS THEN RAISE NOTICE``) ran "cleanly" and did nothing: it is skipped and
carried too."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

FILES = {
    "20250101000000_profiles.sql": (
        "create table profiles (id uuid primary key references auth.users(id));\n"
        "alter table profiles enable row level security;\n"
        "create policy own on profiles using ((select auth.uid()) = id);\n"
    ),
    "20250102000000_secrets.sql": (
        "SELECT\n  vault.create_secret('http://127.0.0.1:54321', 'project_url');\n"
        "DO $$\nBEGIN\n  PERFORM vault.create_secret('k', 'anon_key');\n"
        "EXCEPTION WHEN OTHERS THEN\n  RAISE NOTICE 'Secret might already exist: %', SQLERRM;\nEND\n$$;\n"
        "DO $$ BEGIN RAISE NOTICE 'nothing to do with it'; END $$;\n"
    ),
}


def test_replay_skips_platform_statements(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(tmp_path, FILES)
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=True)
    [failure] = result.failures
    assert (failure.file, failure.line, failure.sqlstate) == ("20250102000000_secrets.sql", 1, "3F000")
    assert "supabase_vault" in failure.hint and "dashboard" not in failure.hint
    assert [(s.file, s.line) for s in result.skipped] == [
        ("20250102000000_secrets.sql", 1),
        ("20250102000000_secrets.sql", 3),
    ]
    assert "it ran, but did nothing there" in result.skipped[1].reason


def test_clean_set_carries_them(tmp_path: Path) -> None:
    d = migrations(tmp_path, FILES)
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 1  # not proven: said
    [carried] = sorted((out / "migrations").glob("*_carried_statements.sql"))
    text = carried.read_text()
    assert "vault.create_secret('http://127.0.0.1:54321', 'project_url')" in text
    assert "PERFORM vault.create_secret('k', 'anon_key');" in text
    assert "nothing to do with it" not in text


def test_a_schema_the_chain_makes_is_not_the_platforms(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(
        tmp_path,
        {
            "20250101000000_use.sql": "create table vault.notes (id int);\n",
            "20250102000000_make.sql": "create schema vault;\n",
        },
    )
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=True)
    [failure] = result.failures
    assert "use before create" in failure.hint and "supabase_vault" not in failure.hint
    assert result.skipped == ()
