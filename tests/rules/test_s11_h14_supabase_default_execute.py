"""Session 11 (H14): in a Supabase project, ``definer-executable-by-public`` counts the platform's default
privileges: ``alter default privileges in schema public grant all on functions to anon, authenticated,
service_role`` (Supabase's setup, for the role postgres the migrations run as) gives those roles EXECUTE
on every new function of ``public``, so ``REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC`` alone leaves a
definer callable by anon through ``/rpc``; the rule said nothing. A REVOKE from anon (and PUBLIC) clears
it; trigger functions are not reported; outside a Supabase project nothing changes.

The last test replays the same files on the real server after that default-privileges statement and
checks that the rule reports exactly the definers anon can execute there.
"""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.config import Config
from pgconsolidate.db.connect import connection
from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.rules.finding import Finding

RULE = "definer-executable-by-public"
PLATFORM = "Supabase's default privileges grant EXECUTE on new functions in public to anon, authenticated"


def _definer(name: str, returns: str = "int", body: str = "$$ select 1 $$", args: str = "") -> str:
    language = "plpgsql" if returns == "trigger" else "sql"
    return (
        f"create function public.{name}({args}) returns {returns} language {language} security definer "
        f"set search_path = '' as {body};\n"
    )


FILES = {
    "20240101000000_init.sql": "create table public.notes (id bigint primary key, owner uuid);\n"
    "alter table public.notes enable row level security;\n"
    + _definer("only_public")
    + "revoke execute on function public.only_public() from public;\n"
    + _definer("public_and_authenticated")
    + "revoke execute on function public.public_and_authenticated() from public, authenticated;\n"
    + _definer("public_and_anon")
    + "revoke execute on function public.public_and_anon() from public, anon;\n"
    + _definer("all_three")
    + "revoke execute on function public.all_three() from public, anon, authenticated;\n"
    + _definer("granted_to_authenticated")
    + "revoke execute on function public.granted_to_authenticated() from public;\n"
    + "grant execute on function public.granted_to_authenticated() to authenticated;\n"
    + _definer("on_insert", "trigger", "$$ begin return new; end $$")
    + "revoke execute on function public.on_insert() from public;\n"
    + _definer("is_owner", "boolean", "$$ select o is not null $$", "o uuid")
    + "revoke execute on function public.is_owner(uuid) from public;\n"
    + "create policy notes_read on public.notes for select to anon using (public.is_owner(owner));\n",
}


def _findings(root: Path, files: dict[str, str], config: Config | None = None) -> dict[str, Finding]:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text)
    report = analyze_directory(root, select=[RULE], config=config or Config())
    return {f.objects[0]: f for f in report.findings if f.rule == RULE}


def test_definer_revoked_from_public_only_is_reported_in_a_supabase_project(tmp_path: Path) -> None:
    found = _findings(tmp_path / "supabase" / "migrations", FILES)
    f = found["public.only_public()"]
    assert f.message == (
        "SECURITY DEFINER public.only_public() is executable by the API roles: EXECUTE was revoked from "
        f"PUBLIC but not from anon, authenticated: {PLATFORM}, revoke it from them too"
    )
    assert (f.location.file, f.location.line) == ("20240101000000_init.sql", 4)  # the REVOKE
    assert f.severity.value == "warning"
    assert found["public.public_and_authenticated()"].message.endswith(
        "EXECUTE was revoked from PUBLIC, authenticated but not from anon: "
        f"{PLATFORM}, revoke it from anon too"
    )
    # granted to authenticated only: anon still holds EXECUTE by the platform's defaults
    assert found["public.granted_to_authenticated()"].message.endswith(
        f"EXECUTE is granted to authenticated; anon holds it too: {PLATFORM}, revoke it from anon"
    )


def test_revoke_from_anon_clears_it_and_trigger_functions_are_not_reported(tmp_path: Path) -> None:
    found = _findings(tmp_path / "supabase" / "migrations", FILES)
    assert "public.public_and_anon()" not in found
    assert "public.all_three()" not in found
    assert "public.on_insert()" not in found
    assert set(found) == {
        "public.only_public()",
        "public.public_and_authenticated()",
        "public.granted_to_authenticated()",
        "public.is_owner(uuid)",
    }


def test_rls_helper_clause_still_says_anon_needs_execute(tmp_path: Path) -> None:
    found = _findings(tmp_path / "supabase" / "migrations", FILES)
    message = found["public.is_owner(uuid)"].message
    assert f"EXECUTE was revoked from PUBLIC but not from anon, authenticated: {PLATFORM}" in message
    assert message.endswith(
        "; RLS policies call it (public.notes.notes_read), so anon needs EXECUTE (revoked, every query of "
        "their tables fails with permission denied for function): keep their EXECUTE and move the function "
        "to a schema the API does not expose"
    )


def test_outside_a_supabase_project_or_with_public_not_exposed_nothing_is_added(tmp_path: Path) -> None:
    # <digits>_<name>.sql files outside a Supabase project (no supabase/ directory, no config.toml): the
    # platform's default privileges are not assumed, even though the SQL names the API roles; only the
    # explicit GRANT is reported, as before
    granted_only = (
        "SECURITY DEFINER public.granted_to_authenticated() is executable by the API roles: EXECUTE is "
        "granted to authenticated"
    )
    found = _findings(tmp_path / "db" / "migrations", FILES)
    assert {k: f.message for k, f in found.items()} == {"public.granted_to_authenticated()": granted_only}
    # a Supabase project whose API does not expose public
    config = Config(exposed_schemas=("api",))
    found = _findings(tmp_path / "p" / "supabase" / "migrations", FILES, config)
    assert {k: f.message for k, f in found.items()} == {"public.granted_to_authenticated()": granted_only}


def test_reported_definers_are_those_anon_can_execute_on_a_server_with_the_platform_defaults(
    tmp_path: Path, scratch_db: str
) -> None:
    found = _findings(tmp_path / "supabase" / "migrations", FILES)
    with connection(scratch_db, autocommit=True) as conn:
        for role in ("anon", "authenticated", "service_role"):
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                conn.execute(f"CREATE ROLE {role} NOLOGIN")
        conn.execute(
            "alter default privileges in schema public grant all on functions to anon, authenticated, "
            "service_role"
        )
        conn.execute(FILES["20240101000000_init.sql"])
        rows = conn.execute(
            "SELECT p.oid::regprocedure::text, has_function_privilege('anon', p.oid, 'EXECUTE'), "
            "p.prorettype = 'trigger'::regtype FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace"
        ).fetchall()
    assert len(rows) == 7
    anon_can = {
        "public." + sig.replace("public.", "", 1) for sig, can, trigger in rows if can and not trigger
    }
    assert anon_can == set(found)
    # the trigger function is executable by anon too, and left out on purpose (no one calls it via /rpc)
    assert any(can and trigger for _, can, trigger in rows)
