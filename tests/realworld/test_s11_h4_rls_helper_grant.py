"""Found on a real Supabase finance app: ``can_manage_finance_data(uuid)`` is a SECURITY DEFINER helper that
the RLS policies for ``authenticated`` of eleven tables call; the migration revokes EXECUTE from public and
grants it to authenticated. ``definer-executable-by-public`` reported the grant with the advice to revoke
it from authenticated, which makes every query of those tables fail with permission denied for function
(consolidate keeps the grant). The finding now says that the policies need it, and what to do instead."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.report.analyze import analyze_directory

from .helpers import migrations

SQL = """create table public.items (id int primary key, group_id int);
alter table public.items enable row level security;
create function public.is_member(g int) returns boolean language sql security definer set search_path = ''
as $$ select true $$;
create function public.rpc(g int) returns int language sql security definer set search_path = ''
as $$ select g $$;
revoke execute on function public.is_member(int), public.rpc(int) from public, anon;
grant execute on function public.is_member(int), public.rpc(int) to authenticated;
create policy members_read on public.items for select to authenticated using (public.is_member(group_id));
"""


def test_grant_that_policies_need_is_said(tmp_path: Path) -> None:
    d = migrations(tmp_path, {"20240101000000_a.sql": SQL}, sub="supabase/migrations")
    report = analyze_directory(d, select=["definer-executable-by-public"])
    by_fn = {f.objects[0]: f.message for f in report.findings}
    assert set(by_fn) == {"public.is_member(integer)", "public.rpc(integer)"}
    assert (
        "RLS policies call it (public.items.members_read), so authenticated needs EXECUTE"
        in (by_fn["public.is_member(integer)"])
    )
    assert by_fn["public.rpc(integer)"].endswith("EXECUTE is granted to authenticated")  # an RPC: as before
