"""Found on a real Supabase finance app: ``create_first_household_for_current_user(text)`` is a SECURITY
DEFINER RPC for ``authenticated`` that calls ``ensure_user_has_household(uuid, text)``, a helper whose EXECUTE
the same migration revokes from public, anon and authenticated. The plan converted the RPC to SECURITY
INVOKER ("runs with the caller's rights once converted"): after apply every call fails with permission
denied for function. A definer that calls a function on which ``authenticated`` (which may execute it) has
no EXECUTE is now kept, with the reason."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.plan.toml_read import read_plan

from .helpers import migrations

SQL = """create table public.groups (id uuid primary key default gen_random_uuid(), owner uuid);
alter table public.groups enable row level security;
create policy mine on public.groups for all to authenticated
  using (owner = (select auth.uid())) with check (owner = (select auth.uid()));

create function public.ensure_group(p_user uuid) returns uuid language plpgsql security definer
set search_path = public as $$
declare g uuid;
begin
  insert into public.groups (owner) values (p_user) returning id into g;
  return g;
end $$;
revoke execute on function public.ensure_group(uuid) from public, anon, authenticated;

create function public.my_group() returns uuid language plpgsql security definer set search_path = public
as $$ begin return public.ensure_group(auth.uid()); end $$;
create function public.group_count() returns bigint language sql security definer set search_path = public
as $$ select count(*) from public.groups $$;
revoke execute on function public.my_group(), public.group_count() from public, anon;
grant execute on function public.my_group(), public.group_count() to authenticated;
"""


def test_definer_calling_a_revoked_function_is_kept(tmp_path: Path) -> None:
    d = migrations(tmp_path, {"20240101000000_groups.sql": SQL}, sub="supabase/migrations")
    out = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(out)]) == 0
    plan, problems = read_plan(out.read_text())
    assert problems == ()
    by_fn = {x.function: x for x in plan.definers}
    kept = by_fn["public.my_group()"]
    assert kept.action == "keep"
    assert (
        "calls public.ensure_group(uuid), on which authenticated (which may execute it) has no EXECUTE"
        in (" ".join(kept.reason.split()))
    )
    assert by_fn["public.group_count()"].action == "invoker"  # calls nothing of the project's: as before
