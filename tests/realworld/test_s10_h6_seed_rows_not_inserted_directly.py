"""Found on a Supabase project that seeds a setting by calling its own function: ``SELECT
elwood.set_setting('db_ptle_version', ...)`` (the function INSERTs the row). The clean set carried only the
rows of tables the files INSERT into directly, so that row was missing from it, and the proof still said
"verified" (it compared rows of those tables only). Every ordinary table of the app that holds rows after
the chain now goes with the clean set, however the rows got there (a function, a DO block)."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import consolidated, migrations

FILES = {
    "20240101000000_settings.sql": (
        "create schema if not exists app;\n"
        "create table app.setting (name text primary key, value text);\n"
        "create function app.set_setting(p_name text, p_value text) returns void language plpgsql as\n"
        "$$ begin insert into app.setting (name, value) values (p_name, p_value)\n"
        "   on conflict (name) do update set value = p_value; end $$;\n"
        "select app.set_setting('schema_version', '7');\n"
        "create table public.plans (id int primary key, label text);\n"
        "do $$ begin insert into public.plans values (1, 'free'), (2, 'pro'); end $$;\n"
    )
}


def test_rows_seeded_by_a_function_or_a_do_block_are_in_the_clean_set(tmp_path: Path) -> None:
    out = consolidated(tmp_path, migrations(tmp_path, FILES))
    assert json.loads((out / "pgconsolidate-output.json").read_text())["verified"] is True
    clean = "\n".join(p.read_text() for p in sorted((out / "migrations").glob("*.sql")))
    assert "'schema_version', '7'" in clean
    assert "(1, 'free')" in clean and "(2, 'pro')" in clean
