"""Found on a Supabase project: ``auth_is_admin()`` is a SECURITY DEFINER helper called by the SELECT policy
of ``profiles`` (``USING ((select auth.uid()) = id OR auth_is_admin())``, no ``TO``: it applies to anon
too). The plan kept it as a definer and revoked EXECUTE from PUBLIC and anon: a policy runs the function
with the querying role's rights, so after the fix every query of anon on the table failed with
"permission denied for function" instead of seeing the rows the policy allows (a public page reading
published posts). The proof passed: both sides had the revoke. EXECUTE is now left to anon when a policy
that applies to anon calls the function (revoke_from keeps PUBLIC only when anon has a grant of its own)."""

from __future__ import annotations

from pathlib import Path

import psycopg

from pgconsolidate.cli import run
from pgconsolidate.plan.toml_read import read_plan
from pgconsolidate.replay.runner import discard, replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import consolidated, migrations

FILES = {
    "20240101000000_posts.sql": """
create table public.profiles (id uuid primary key, is_admin boolean not null default false);
create function public.is_admin() returns boolean language sql stable security definer set search_path = ''
  as $$ select coalesce((select is_admin from public.profiles where id = (select auth.uid())), false) $$;
create table public.posts (id bigint primary key, published boolean not null default false, body text);
alter table public.posts enable row level security;
create policy "read published" on public.posts for select using (published or public.is_admin());
create table public.notes (id bigint primary key);
alter table public.notes enable row level security;
create function public.is_staff() returns boolean language sql stable security definer set search_path = ''
  as $$ select coalesce((select is_admin from public.profiles where id = (select auth.uid())), false) $$;
create policy "staff read" on public.notes for select to authenticated using (public.is_staff());
insert into public.posts values (1, true, 'hello'), (2, false, 'draft');
grant select on public.posts to anon;
""",
}


def test_policy_helper_keeps_anon_execute(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(tmp_path, FILES)
    plan_file = tmp_path / "first.toml"
    assert run(["plan", str(d), "-o", str(plan_file)]) == 0
    definers = {x.function: x for x in read_plan(plan_file.read_text())[0].definers}
    assert definers["public.is_admin()"].action == "keep"
    assert "anon" not in definers["public.is_admin()"].revoke_from
    # a policy only for authenticated: anon's EXECUTE is still revoked
    assert definers["public.is_staff()"].revoke_from == ("PUBLIC", "anon")
    out = consolidated(tmp_path, d)  # verified
    clean = replay_dir(read_dir(str(out / "migrations")), scratch_server, keep=True)
    try:
        assert clean.url is not None
        with psycopg.connect(clean.url, autocommit=True) as conn:
            conn.execute("SET ROLE anon")
            rows = conn.execute("SELECT id FROM public.posts ORDER BY id").fetchall()
        assert rows == [(1,)]
    finally:
        discard(scratch_server, clean)
