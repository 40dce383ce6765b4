"""Found on a Supabase project: the signup trigger function ``handle_new_user()`` inserts
``(id, email, name, avatar_url)`` into ``public.profiles``, which has no ``email`` column. PostgreSQL does
not check a PL/pgSQL body when the function is created, so every migration applied, and every signup
failed with 42703 (the trigger on ``auth.users`` aborts the user's creation); nothing in ``analyze`` said
so. Rule ``insert-unknown-column``: ok/bad cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.report.analyze import analyze_directory

from .helpers import migrations

TABLE = 'create table public.profiles (id uuid primary key, name text, "Avatar" text);\n'


def _messages(tmp_path: Path, files: dict[str, str]) -> list[str]:
    d = migrations(tmp_path, files)
    report = analyze_directory(d, select=["insert-unknown-column"])
    return [f.message for f in report.findings if f.rule == "insert-unknown-column"]


def test_signup_trigger_inserting_a_missing_column(tmp_path: Path) -> None:
    files = {
        "001_profiles.sql": TABLE,
        "002_trigger.sql": (
            "create or replace function public.handle_new_user() returns trigger language plpgsql\n"
            "security definer as $$\nbegin\n"
            "  -- insert into public.profiles (commented_out) values (1);\n"
            "  insert into public.profiles (id, email, name)\n"
            "  values (new.id, new.email, new.raw_user_meta_data ->> 'n');\n"
            "  return new;\nend $$;\n"
            "create trigger on_auth_user_created after insert on auth.users\n"
            "  for each row execute function public.handle_new_user();\n"
        ),
    }
    (message,) = _messages(tmp_path, files)
    assert message.startswith("public.handle_new_user() inserts into public.profiles (email), a column")
    assert "trigger auth.users.on_auth_user_created runs it" in message


def test_several_missing_columns_are_said_in_the_plural(tmp_path: Path) -> None:
    # seen on a real project: "inserts into public.notification (title, body), a columns the table ..."
    files = {
        "001_profiles.sql": TABLE,
        "002_fn.sql": (
            "create function public.f() returns void language plpgsql as $$\nbegin\n"
            "  insert into public.profiles (id, title, body) values (gen_random_uuid(), 'a', 'b');\nend $$;\n"
        ),
    }
    (message,) = _messages(tmp_path, files)
    assert message.startswith(
        "public.f() inserts into public.profiles (title, body), columns the table does not"
    )


OK = [
    # the column is added by a later migration
    "create function public.f() returns void language plpgsql as $$ begin insert into profiles (id, email) "
    "values (gen_random_uuid(), 'a'); end $$;\nalter table public.profiles add column email text;\n",
    # quoted names as created; a table the migrations do not create; a SELECT, not a column list
    "create function public.f() returns void language plpgsql as $$ begin\n"
    "  insert into public.profiles (id, \"Avatar\") values (gen_random_uuid(), 'x');\n"
    "  insert into auth.audit_log_entries (id, payload) values (gen_random_uuid(), '{}');\n"
    "  insert into public.profiles (select gen_random_uuid(), 'n', 'a');\nend $$;\n",
    # a table whose columns are not all known (CREATE TABLE ... AS)
    "create table public.copy as select 1 as a;\ncreate function public.f() returns void language sql as "
    "$$ insert into public.copy (b) values (1) $$;\n",
    # a column the chain dropped: dangling-reference's, which names the DROP
    "create function public.f() returns void language sql as\n"
    "$$ insert into public.profiles (name) values ('x') $$;\nalter table public.profiles drop column name;\n",
    # a function dropped at the end
    "create function public.f() returns void language sql as\n"
    "$$ insert into public.profiles (nope) values (1) $$;\ndrop function public.f();\n",
]


@pytest.mark.parametrize("sql", OK)
def test_not_reported(tmp_path: Path, sql: str) -> None:
    assert _messages(tmp_path, {"001_profiles.sql": TABLE, "002_f.sql": sql}) == []
