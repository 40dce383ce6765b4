"""Found on a Supabase project's live path (session 8, H5): the project's trigger on ``auth.users`` (the
classic ``on_auth_user_created`` that makes a profile per user) and its policies on ``storage.objects``
were left out of every snapshot with the platform's schemas, so ``inspect --against`` and ``compare`` said
"equivalent" when production lacked the trigger ("new users get no profile") or had a dashboard-made
storage policy, and ``plan --database-url`` did not list that policy as live_only. Both are now
differences; the platform's own trigger (a storage.* function's) is still not reported."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.cli import run
from pgconsolidate.scratch.supabase import install_supabase_base

from .helpers import migrations

FILE = """\
create table public.profiles (id uuid primary key references auth.users on delete cascade);
create function public.handle_new_user() returns trigger language plpgsql security definer
  set search_path = '' as $$ begin insert into public.profiles (id) values (new.id); return new; end $$;
create trigger on_auth_user_created after insert on auth.users
  for each row execute function public.handle_new_user();
create policy "own files" on storage.objects for select to authenticated
  using (bucket_id = 'files' and owner = (select auth.uid()));
"""

PLATFORM_TRIGGER = """
create function storage.touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger update_objects_updated_at before update on storage.objects
  for each row execute function storage.touch();
"""


def _production(url: str, *extra: str) -> None:
    """A Supabase database the files were applied to (their history row too), then ``extra``."""
    install_supabase_base(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(FILE.encode())
        conn.execute(
            "INSERT INTO supabase_migrations.schema_migrations (version, name)"
            " VALUES ('20250101000000', 'init')"
        )
        conn.execute(PLATFORM_TRIGGER.encode())  # the platform's: never a difference
        for sql in extra:
            conn.execute(sql.encode())


def _inspect(d: Path, url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    rc = run(["inspect", "--database-url", url, "--against", str(d)])
    return rc, capsys.readouterr().out


def test_production_lacking_the_trigger_is_a_difference(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d = migrations(tmp_path, {"20250101000000_init.sql": FILE})
    _production(scratch_db, "drop trigger on_auth_user_created on auth.users")
    rc, out = _inspect(d, scratch_db, capsys)
    assert rc == 1
    assert "- trigger auth.users.on_auth_user_created (only in the files)" in out
    assert "update_objects_updated_at" not in out
    assert run(["compare", str(d), scratch_db, "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert "auth.users.on_auth_user_created" in json.dumps(doc)
    assert "update_objects_updated_at" not in json.dumps(doc)


def test_dashboard_storage_policy_is_a_difference_and_live_only(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d = migrations(tmp_path, {"20250101000000_init.sql": FILE})
    _production(
        scratch_db,
        "create policy \"public read\" on storage.objects for select to anon using (bucket_id = 'public')",
    )
    rc, out = _inspect(d, scratch_db, capsys)
    assert rc == 1
    assert '+ policy storage.objects."public read" (only in the database)' in out
    assert "own files" not in out and "on_auth_user_created" not in out
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "--database-url", scratch_db, "-o", str(plan)]) == 0
    assert 'live_only = ["storage.objects.public read"]' in plan.read_text()


def test_equal_chains_and_production_built_from_them_are_equivalent(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a = migrations(tmp_path, {"20250101000000_init.sql": FILE}, "a")
    b = migrations(
        tmp_path,
        {
            "20250101000000_tables.sql": FILE.split("create trigger")[0],
            "20250102000000_trigger.sql": ("create trigger" + FILE.split("create trigger")[1]),
        },
        "b",
    )
    assert run(["compare", str(a), str(b)]) == 0
    # a chain without the trigger is not
    c = migrations(tmp_path, {"20250101000000_tables.sql": FILE.split("create trigger")[0]}, "c")
    capsys.readouterr()
    assert run(["compare", str(a), str(c)]) == 1
    assert "auth.users.on_auth_user_created" in capsys.readouterr().out
    _production(scratch_db)
    rc, out = _inspect(a, scratch_db, capsys)
    assert rc == 0, out
