"""Found on a Supabase project that seeds an admin user: ``INSERT INTO auth.users (..., encrypted_password)
VALUES (..., crypt('...', gen_salt('bf')))`` and then rows referencing that user (its profile, a default
knowledge base). The scratch server has no pgcrypto; its stand-in raises for gen_salt()/crypt(). Replay
reported each later insert as a root cause of its own, "data conflict: the rows this statement writes do
not fit the table's constraints on a fresh database" (untrue: on the project's database the user exists),
and consolidate dropped the seeds from the clean set while saying "verified". Now a foreign key violation
cascades from the failed insert into the referenced table, a statement the stand-in cannot compute is
skipped (never passed), and all of them are carried into the clean set as written."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

FILES = {
    "20240101000000_profiles.sql": (
        "create table public.profiles (id uuid primary key references auth.users (id), name text);\n"
    ),
    "20240102000000_seed.sql": (
        "insert into auth.users (id, email, encrypted_password)\n"
        "values ('00000000-0000-0000-0000-000000000000', 'admin@example.com', crypt('pw', gen_salt('bf')));\n"
        "insert into public.profiles (id, name) values ('00000000-0000-0000-0000-000000000000', 'Admin');\n"
    ),
}


def test_foreign_key_violation_cascades_from_the_failed_seed(
    tmp_path: Path, scratch_server: ScratchServer
) -> None:
    d = migrations(tmp_path, FILES, sub="supabase/migrations")
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=True)
    seed, profile = result.failures
    assert (seed.line, seed.root_cause) == (1, None)
    assert "stand-in does not compute gen_salt()" in seed.hint
    assert profile.line == 3 and profile.sqlstate == "23503"
    assert profile.root_cause is not None and profile.root_cause.line == 1
    assert profile.hint.startswith("cascade: the statement at 20240102000000_seed.sql:1, which failed")
    assert [(s.file, s.line) for s in result.skipped] == [
        ("20240102000000_seed.sql", 1),
        ("20240102000000_seed.sql", 3),
    ]


def test_seeds_are_carried(tmp_path: Path) -> None:
    d = migrations(tmp_path, FILES, sub="supabase/migrations")
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)])  # not proven: the seeds were skipped
    carried = next((out / "migrations").glob("*_carried_statements.sql")).read_text()
    assert "crypt('pw', gen_salt('bf'))" in carried
    assert "insert into public.profiles (id, name)" in carried
