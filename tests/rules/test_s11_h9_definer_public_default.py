"""Session 11 (H9): ``definer-executable-by-public`` reports a SECURITY DEFINER function the API roles can
call through PUBLIC's default EXECUTE, never revoked, when it lives in a schema the API exposes and can be
called as an RPC (Supabase's advisor lints 0028/0029).

Found on a real Supabase chat app: ``delete_storage_object(text, text)`` (a definer in ``public`` holding
a service key) was callable by anyone with the anon key through PostgREST's ``/rpc``, since the files
never revoke PUBLIC's EXECUTE; the rule reported only explicit grants and partial revokes.
"""

from __future__ import annotations

from pgconsolidate.config import Config

RULE = "definer-executable-by-public"
API = {"0_api.sql": "grant usage on schema public to anon, authenticated;\n"}  # a Supabase-like directory
RPC = (
    "create function public.delete_object(bucket text, name text) returns void language plpgsql "
    "security definer as $$ begin perform 1; end $$;\n"
)


def _by_function(check, files, config=None):
    return {f.objects[0]: f for f in check(RULE, {**API, **files}, config)}


def test_definer_never_revoked_from_public_in_exposed_schema_is_reported(check) -> None:
    found = _by_function(check, {"1_a.sql": RPC})
    f = found["public.delete_object(text, text)"]
    assert f.message == (
        "SECURITY DEFINER public.delete_object(text, text) is executable by the API roles: through PUBLIC's "
        "default EXECUTE, never revoked, anyone with the anon key can call it (an RPC of the exposed schema "
        "public) with its owner's rights"
    )
    assert (f.location.file, f.location.line) == ("1_a.sql", 1)  # the definition: no GRANT or REVOKE to show
    assert f.severity.value == "warning"
    assert "REVOKE EXECUTE ON FUNCTION f(args) FROM PUBLIC, anon, authenticated" in f.help
    assert "move the function to a schema the API does not expose" in f.help


def test_trigger_and_event_trigger_functions_are_not_reported(check) -> None:
    files = {
        "1_a.sql": "create function public.on_insert() returns trigger language plpgsql security definer "
        "as $$ begin return new; end $$;\n"
        "create function public.on_ddl() returns event_trigger language plpgsql security definer "
        "as $$ begin end $$;\n"
    }
    assert _by_function(check, files) == {}


def test_definer_in_a_schema_the_api_does_not_expose_is_not_reported(check) -> None:
    files = {
        "1_a.sql": "create schema private;\n"
        "create function private.is_member(g int) returns boolean language sql security definer "
        "as $$ select true $$;\n"
    }
    assert _by_function(check, files) == {}
    # the same function is reported once its schema is exposed (the exposed-schemas setting)
    exposed = _by_function(check, files, Config(exposed_schemas=("public", "private")))
    assert "exposed schema private" in exposed["private.is_member(integer)"].message


def test_outside_an_api_directory_nothing_is_exposed(check) -> None:
    assert check(RULE, {"1_a.sql": RPC}) == []  # no API role, no auth.*, no supabase in the path


def test_definer_revoked_from_public_is_not_reported(check) -> None:
    revoke = "revoke execute on function public.delete_object(text, text) from public, anon, authenticated;\n"
    assert _by_function(check, {"1_a.sql": RPC + revoke}) == {}
    # granted back to who needs it: not to the API roles, nothing to report
    grant = "grant execute on function public.delete_object(text, text) to service_role;\n"
    assert _by_function(check, {"1_a.sql": RPC + revoke + grant}) == {}
    # default privileges run before it revoke it from PUBLIC on every new function
    defaults = "alter default privileges revoke execute on functions from public;\n"
    assert _by_function(check, {"1_a.sql": defaults + RPC}) == {}


def test_granted_to_a_non_api_role_only_still_executable_through_public(check) -> None:
    grant = "grant execute on function public.delete_object(text, text) to service_role;\n"
    f = _by_function(check, {"1_a.sql": RPC + grant})["public.delete_object(text, text)"]
    assert "through PUBLIC's default EXECUTE, never revoked" in f.message
    assert [(r.file, r.line) for r in f.related] == [("1_a.sql", 2)]  # the grant, shown beside it


def test_default_privileges_granting_anon_are_reported_as_a_grant(check) -> None:
    files = {
        "1_a.sql": "alter default privileges in schema public grant execute on functions to anon;\n",
        "2_b.sql": RPC,
    }
    f = _by_function(check, files)["public.delete_object(text, text)"]
    assert f.message.endswith("EXECUTE is granted to anon")
    assert (f.location.file, f.location.line) == ("1_a.sql", 1)  # the ALTER DEFAULT PRIVILEGES
    assert [(r.file, r.line) for r in f.related] == [("2_b.sql", 1)]
    # default privileges after the function do not apply to it: PUBLIC's default is what remains
    later = _by_function(check, {"1_a.sql": RPC, "2_b.sql": files["1_a.sql"]})
    assert "through PUBLIC's default EXECUTE" in later["public.delete_object(text, text)"].message


def test_rls_helper_executable_through_public_says_the_policies_need_it(check) -> None:
    files = {
        "1_a.sql": "create table public.items (id int primary key, group_id int);\n"
        "alter table public.items enable row level security;\n"
        "create function public.is_member(g int) returns boolean language sql security definer "
        "set search_path = '' as $$ select true $$;\n"
        "create policy members_read on public.items for select to authenticated "
        "using (public.is_member(group_id));\n"
    }
    f = _by_function(check, files)["public.is_member(integer)"]
    assert f.message.endswith(
        "; RLS policies call it (public.items.members_read), so authenticated needs EXECUTE (revoked, every "
        "query of their tables fails with permission denied for function): keep their EXECUTE and move the "
        "function to a schema the API does not expose"
    )
