"""Extensions the scratch server lacks (http, pg_net, uuid-ossp, pgcrypto): the proof replays with
stand-ins exactly as ``replay`` does, the clean set keeps ``CREATE EXTENSION`` and the user's functions but
never a stand-in's body, and a live database that uses those extensions copies and proves (c)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from psycopg import sql

from pgconsolidate.catalog.reader import read_snapshot
from pgconsolidate.cli import run
from pgconsolidate.db.connect import connection
from pgconsolidate.generate.cleanset import DumpEntry, ExtensionStandIn, replace_stand_ins
from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.replay import replay_into
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch.standins import install_stand_in
from pgconsolidate.scratch.supabase import install_supabase_base
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.verify.livecopy import copy_live, not_copied, restore_list
from pgconsolidate.verify.pipeline import consolidate, make_plan, verify_outdir

FILES = {
    "20240101000000_extensions.sql": (
        "create extension if not exists http with schema extensions;\n"
        "create extension if not exists pg_net;\n"
        'create extension if not exists "uuid-ossp" with schema extensions;\n'
        "create extension if not exists pgcrypto with schema extensions;\n"
    ),
    "20240102000000_hooks.sql": """
create table public.hooks (
    id uuid primary key default extensions.uuid_generate_v4(),
    owner uuid references auth.users(id),
    url text not null,
    secret_hash text
);
alter table public.hooks enable row level security;
create policy hooks_own on public.hooks for select using (owner = auth.uid());
create function public.fetch_status(u text) returns integer language plpgsql as $$
declare r extensions.http_response;
begin
  r := extensions.http_get(u);
  return r.status;
end $$;
create function public.queue_hook(u text, payload jsonb) returns bigint language sql
as $$ select net.http_post(url := u, body := payload) $$;
create function public.hash_secret(s text) returns text language sql immutable
as $$ select encode(extensions.digest(s, 'sha256'), 'hex') $$;
create table public.hook_kinds (name text primary key);
insert into public.hook_kinds (name) values ('push'), ('pull');
""",
    "20240103000000_new_user.sql": """
create function public.on_new_user() returns trigger language plpgsql security definer set search_path = ''
as $$ begin insert into public.hooks (owner, url) values (new.id, 'https://welcome'); return new; end $$;
create trigger on_auth_user_created after insert on auth.users
  for each row execute function public.on_new_user();
""",
}

STAND_IN_BODY = ("cannot make requests", "pgconsolidate stand-in")


def _write(root: Path) -> Path:
    src = root / "supabase" / "migrations"
    src.mkdir(parents=True)
    for name, text in FILES.items():
        (src / name).write_text(text)
    return src


def _clean_text(out: Path) -> str:
    manifest = json.loads((out / "pgconsolidate-output.json").read_text())
    return "\n".join((out / p).read_text() for p in manifest["clean_set"])


def test_directory_using_http_and_pg_net_consolidates_and_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _write(tmp_path)
    plan = make_plan(str(src), None)
    (tmp_path / "plan.toml").write_text(write_plan(plan))
    out = tmp_path / "out"
    res = consolidate(str(src), tmp_path / "plan.toml", out)
    assert res.differences == [] and res.second_run_differences == []
    clean = _clean_text(out)
    assert 'CREATE EXTENSION IF NOT EXISTS "http" WITH SCHEMA "extensions";' in clean
    assert 'CREATE EXTENSION IF NOT EXISTS "pg_net" WITH SCHEMA "public";' in clean
    for fn in ("public.fetch_status(", "public.queue_hook(", "public.hash_secret("):
        assert fn in clean
    assert "net.http_post" in clean and "extensions.http_get" in clean
    for body in STAND_IN_BODY:
        assert body not in clean
    # the stand-ins' own objects are not written as the project's
    assert "CREATE TYPE extensions.http_response" not in clean
    assert "CREATE SCHEMA IF NOT EXISTS net" not in clean
    assert "hook_kinds" in clean and "'push'" in clean  # reference data carried over
    report = (out / "REPORT.md").read_text()
    assert "## Extensions the scratch server lacks (stand-ins)" in report
    assert "`http` (schema `extensions`)" in report and "`public.fetch_status(text)`" in report
    assert "`pg_net` (schema `public`)" in report and "`public.queue_hook(text, jsonb)`" in report
    assert "their behaviour was not exercised" in report
    summary = json.loads((out / "pgconsolidate-output.json").read_text())["summary"]
    assert any(s.startswith("http ") for s in summary["stand_ins"])
    ver = verify_outdir(out)
    assert ver["ok"], ver
    assert any(s.startswith("pg_net ") for s in ver["stand_ins"])
    assert run(["verify", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "stand-in: http (stand-in objects in schema extensions" in printed and printed.rstrip().endswith(
        "ok"
    )


def _supabase_live(url: str, src: Path) -> None:
    """A "live" Supabase project using http and pg_net, which the scratch server cannot install: the
    dashboard's stand-ins, then the migrations and some rows."""
    install_supabase_base(url)
    with connection(url, autocommit=True) as conn:
        install_stand_in(conn, "http", "extensions")
        install_stand_in(conn, "pg_net", None)
    replay_into(url, read_dir(str(src)), keep_going=True, stood_in=frozenset({"http", "pg_net"}))
    with connection(url, autocommit=True) as conn:
        # what the platform adds: an event trigger of its own, a database setting
        conn.execute(
            "CREATE FUNCTION extensions.pgrst_watch() RETURNS event_trigger LANGUAGE plpgsql "
            "AS $$ BEGIN NOTIFY pgrst, 'reload schema'; END $$; "
            "CREATE EVENT TRIGGER pgrst_ddl_watch ON ddl_command_end "
            "EXECUTE FUNCTION extensions.pgrst_watch()"
        )
        conn.execute(
            sql.SQL("ALTER DATABASE {} SET app.settings.jwt_exp = '3600'").format(
                sql.Identifier(conn.info.dbname)
            )
        )
        conn.execute(
            "INSERT INTO public.hooks (url, secret_hash) "
            "SELECT 'https://h/' || g, public.hash_secret(g::text) FROM generate_series(1, 5) g"
        )


@pytest.mark.slow
def test_live_database_with_stood_in_extensions_copies_and_proves(scratch_db: str, tmp_path: Path) -> None:
    src = _write(tmp_path)
    _supabase_live(scratch_db, src)
    plan = make_plan(str(src), scratch_db)
    assert plan.live_only == ()  # the stand-ins are not taken for objects created by hand
    (tmp_path / "plan.toml").write_text(write_plan(plan))
    out = tmp_path / "out"
    res = consolidate(str(src), tmp_path / "plan.toml", out, live_url=scratch_db)
    assert res.differences == [] and res.second_run_differences == []
    clean = _clean_text(out)
    assert 'CREATE EXTENSION IF NOT EXISTS "http"' in clean and "public.queue_hook(" in clean
    for body in STAND_IN_BODY:
        assert body not in clean
    assert "on_auth_user_created" in clean  # the app's trigger on auth.users, copied from production
    assert "pgrst_watch" not in clean and "jwt_exp" not in clean  # the platform's, not the project's
    notes = json.loads((out / "pgconsolidate-output.json").read_text())["summary"]["live_copy"]
    assert any("pgrst_ddl_watch" in n for n in notes)
    ver = verify_outdir(out, scratch_db)
    assert ver["ok"], ver
    assert ver["live_not_copied"] == [] and ver["clean_vs_live_plus_fix"] == []


def test_extension_without_stand_in_is_reported_not_copied(
    scratch_server: ScratchServer, scratch_db: str
) -> None:
    """vector is available here; told it is not, the copy leaves it out and says what did not come."""
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE EXTENSION vector; CREATE TABLE public.docs (id int PRIMARY KEY, e vector(3)); "
            "CREATE TABLE public.plain (id int PRIMARY KEY); INSERT INTO public.plain VALUES (1)"
        )
    from pgconsolidate.scratch.databases import create_database, database_name, drop_database

    copy = create_database(scratch_server)
    try:
        copied = copy_live(scratch_db, copy, scratch_server, supabase=False, available=frozenset({"plpgsql"}))
        assert copied.left_out == ("vector",)
        assert len(copied.unproven) == 1 and "vector" in copied.unproven[0]
        assert any("vector" in n and "no stand-in" in n for n in copied.notes)
        assert any(n.startswith("restore:") and "vector" in n for n in copied.notes)
        missing = not_copied(read_snapshot(scratch_db), read_snapshot(copy), copied)
        assert any("public.docs" in m for m in missing)
        assert not any("public.plain" in m for m in missing)
        with connection(copy) as conn:
            row = conn.execute("SELECT count(*) FROM public.plain").fetchone()
        assert row is not None and row[0] == 1
    finally:
        drop_database(scratch_server, database_name(copy))


def test_restore_list_leaves_out_extensions_event_triggers_and_schemas() -> None:
    toc = (
        ";\n; Archive\n;\n"
        "7; 2615 100 SCHEMA - extensions postgres\n"
        "8; 2615 101 SCHEMA - ext postgres\n"
        "2; 3079 200 EXTENSION - http \n"
        "3; 3079 201 EXTENSION - vector \n"
        "2812; 0 0 COMMENT - EXTENSION http \n"
        "2813; 0 0 COMMENT - EXTENSION vector \n"
        "4000; 3466 300 EVENT TRIGGER - pgrst_ddl_watch supabase_admin\n"
        "4001; 0 0 COMMENT - EVENT TRIGGER pgrst_ddl_watch supabase_admin\n"
        "4002; 3466 301 EVENT TRIGGER - mine postgres\n"
        "347; 1255 400 FUNCTION public f(extensions.http_response) postgres\n"
    )
    kept = restore_list(toc, frozenset({"http"}), frozenset({"pgrst_ddl_watch"}), frozenset({"ext"}))
    assert "EXTENSION - http" not in kept and "COMMENT - EXTENSION http" not in kept
    assert "EXTENSION - vector" in kept and "COMMENT - EXTENSION vector" in kept
    assert "pgrst_ddl_watch" not in kept and "EVENT TRIGGER - mine" in kept
    assert "SCHEMA - ext " not in kept and "SCHEMA - extensions" in kept
    assert "FUNCTION public f" in kept


def test_replace_stand_ins_drops_their_objects_and_creates_the_extension() -> None:
    entries = [
        DumpEntry("extensions", "SCHEMA", "-", "CREATE SCHEMA extensions;"),
        DumpEntry("net", "SCHEMA", "-", "CREATE SCHEMA net;"),
        DumpEntry("http_response", "TYPE", "extensions", "CREATE TYPE extensions.http_response AS (s int);"),
        DumpEntry("http_get(uri character varying)", "FUNCTION", "extensions", "CREATE FUNCTION ..."),
        DumpEntry("FUNCTION http(request extensions.http_request)", "COMMENT", "extensions", "COMMENT ..."),
        DumpEntry("http_post(url text)", "FUNCTION", "net", "CREATE FUNCTION net.http_post ..."),
        DumpEntry("my_fetch(u text)", "FUNCTION", "public", "CREATE FUNCTION public.my_fetch ..."),
        DumpEntry("http_get(u text)", "FUNCTION", "public", "CREATE FUNCTION public.http_get ..."),
    ]
    stand_ins = (
        ExtensionStandIn(
            "http", "extensions", ("extensions.http_response", "extensions.http_get", "extensions.http")
        ),
        ExtensionStandIn("pg_net", "extensions", ("net", "net.http_post")),
        ExtensionStandIn("uuid-ossp", "extensions", ("extensions.uuid_generate_v4",), create=False),
    )
    out = replace_stand_ins(entries, stand_ins)
    assert [(e.type, e.name) for e in out] == [
        ("SCHEMA", "extensions"),
        ("EXTENSION", "http"),
        ("EXTENSION", "pg_net"),
        ("FUNCTION", "my_fetch(u text)"),
        ("FUNCTION", "http_get(u text)"),  # the project's own function of the same name, elsewhere
    ]
    assert out[1].sql == 'CREATE EXTENSION IF NOT EXISTS "http" WITH SCHEMA "extensions";'
    assert out[2].sql == 'CREATE EXTENSION IF NOT EXISTS "pg_net" WITH SCHEMA "extensions";'


def test_statements_needing_an_extension_without_stand_in_are_not_proven(tmp_path: Path) -> None:
    """postgis has no stand-in: its statements are skipped on both sides, so the output is not verified."""
    src = tmp_path / "migrations"
    src.mkdir()
    (src / "20240101000000_geo.sql").write_text(
        "CREATE EXTENSION IF NOT EXISTS pgc_no_such_extension;\n"
        "CREATE TABLE public.places (id int PRIMARY KEY, name text);\n"
    )
    (src / "20240102000000_more.sql").write_text("CREATE TABLE public.others (id int PRIMARY KEY);\n")
    plan = make_plan(str(src), None)
    (tmp_path / "plan.toml").write_text(write_plan(plan))
    res = consolidate(str(src), tmp_path / "plan.toml", tmp_path / "out")
    assert any(d.startswith("not proven: 20240101000000_geo.sql:1") for d in res.differences), res.differences
    manifest = json.loads((tmp_path / "out" / "pgconsolidate-output.json").read_text())
    assert manifest["verified"] is False
    assert "pgc_no_such_extension" in (tmp_path / "out" / "REPORT.md").read_text()
    ver = verify_outdir(tmp_path / "out")
    assert not ver["ok"] and ver["not_proven"]


def test_callers_of_a_stood_in_extension() -> None:
    from pgconsolidate.generate.report import callers_of
    from pgconsolidate.plan.facts import FunctionFacts

    http = ExtensionStandIn("http", "extensions", ("extensions.http_get", "extensions.http_post"))
    net = ExtensionStandIn("pg_net", "public", ("net", "net.http_post"))
    functions = [
        FunctionFacts("public.a()", "SELECT net.http_post(url := 'x')", False, (), ()),
        FunctionFacts("public.b()", "SELECT (http_get('x')).status", False, (), ()),
        FunctionFacts("public.c()", "SELECT (extensions.http_get ('x')).status", False, (), ()),
        FunctionFacts("public.d()", "SELECT other.http_get('x')", False, (), ()),
    ]
    assert callers_of([http, net], functions) == {
        "http": ["public.b()", "public.c()"],
        "pg_net": ["public.a()"],
    }
