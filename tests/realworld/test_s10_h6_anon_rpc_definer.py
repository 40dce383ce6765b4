"""Found on a Supabase project whose invitations table lost its public SELECT policy for a token-lookup
RPC: ``get_invitation_by_token(text)`` is SECURITY DEFINER, reads a table whose only SELECT policy is for
admins, and its file says ``GRANT EXECUTE ON FUNCTION ... TO anon, authenticated`` (the signup page calls
it before there is a session). The plan proposed converting it to SECURITY INVOKER (anonymous callers then
see no row) and, kept as definer, revoking EXECUTE from anon: either way the signup flow breaks after the
fix, and the proof passes (both sides have the change). A definer the files grant EXECUTE to anon by name
now keeps that grant, and stays a definer when RLS would hide from such callers the rows it reads; a
``GRANT ALL`` (what a schema dump writes for every function) is not read as that intent."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.plan.toml_read import read_plan

from .helpers import consolidated, migrations

SCHEMA = """
create table public.invites (id uuid primary key default gen_random_uuid(), token text not null unique,
  email text not null);
alter table public.invites enable row level security;
create policy "own invite" on public.invites for select using (email = auth.email());
create function public.lookup_invite(p_token text) returns setof public.invites
  language sql stable security definer set search_path = '' as
  $$ select * from public.invites where token = p_token $$;
grant execute on function public.lookup_invite(text) to anon, authenticated;
create function public.count_invites() returns bigint
  language sql stable security definer set search_path = '' as $$ select count(*) from public.invites $$;
grant all on function public.count_invites() to anon;
"""


def _definers(tmp_path: Path, files: dict[str, str]) -> tuple[Path, dict[str, tuple[str, tuple[str, ...]]]]:
    d = migrations(tmp_path, files)
    out = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(out)]) == 0
    plan = read_plan(out.read_text())[0]
    return d, {x.function: (x.action, x.revoke_from) for x in plan.definers}


def test_anon_lookup_stays_definer_and_callable(tmp_path: Path) -> None:
    _, definers = _definers(tmp_path, {"20240101000000_invites.sql": SCHEMA})
    assert definers["public.lookup_invite(text)"] == ("keep", ("PUBLIC",))
    # a dump-style GRANT ALL is not an intent: the usual proposal, EXECUTE revoked from anon
    assert definers["public.count_invites()"] == ("invoker", ("PUBLIC", "anon"))


def test_revoked_later_is_not_deliberate(tmp_path: Path) -> None:
    files = {
        "20240101000000_invites.sql": SCHEMA,
        "20240102000000_lockdown.sql": "revoke execute on function public.lookup_invite(text) from anon;\n",
    }
    _, definers = _definers(tmp_path, files)
    assert definers["public.lookup_invite(text)"] == ("invoker", ("PUBLIC", "anon"))


def test_fix_leaves_anon_execute(tmp_path: Path) -> None:
    d = migrations(tmp_path, {"20240101000000_invites.sql": SCHEMA})
    out = consolidated(tmp_path, d)  # proven equivalent
    fix = next(out.glob("*_consolidation_fix.sql")).read_text()
    block = fix[fix.index("-- public.lookup_invite(text): keep") :]
    block = block[: block.index("$pgc$;")]
    assert "FROM PUBLIC" in block and "anon" not in block
    assert (
        "public.lookup_invite(text) stays SECURITY DEFINER: search_path pinned, EXECUTE revoked from PUBLIC"
        in fix
    )
    assert "EXECUTE granted to anon (20240101000000_invites.sql:" in (out / "REPORT.md").read_text()
