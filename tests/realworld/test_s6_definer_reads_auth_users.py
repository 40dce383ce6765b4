"""A SECURITY DEFINER function that reads ``auth.users`` (a username -> e-mail lookup, an admin fan-out,
found in a Supabase project) was proposed for conversion to SECURITY INVOKER: the app's roles cannot read
``auth.users``, so once converted every call fails with "permission denied". Such a function is kept as a
definer (search_path pinned), and the plan says why; so is one that writes a table whose RLS has no policy
for that command (an audit log with only a SELECT policy). One that only touches what the caller may
touch is still converted."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.plan.propose import _platform_tables

from .helpers import migrations

SQL = """
create table public.profiles (
  id uuid primary key references auth.users on delete cascade, username text unique);
alter table public.profiles enable row level security;
create policy "read" on public.profiles for select using (true);

create function public.email_of(p_username text) returns text
language plpgsql security definer as $$
declare v text;
begin
  select email into v from auth.users u join public.profiles p on u.id = p.id where p.username = p_username;
  return v;
end $$;

create function public.admins() returns setof uuid
language sql security definer as $$
  select id from "auth"."users" where raw_user_meta_data->>'role' = 'admin' $$;

create table public.audit (id bigint generated always as identity primary key, what text);
alter table public.audit enable row level security;
create policy "own" on public.audit for select using (true);
create table public.notes (id bigint generated always as identity primary key, body text);
alter table public.notes enable row level security;
create policy "all" on public.notes for all using (true);

create function public.log_it() returns trigger
language plpgsql security definer as $$ begin insert into public.audit (what) values ('x'); return new; end
$$;

create function public.clear_audit() returns void
language sql security definer as $$ delete from audit where what is null $$;

create function public.add_note(b text) returns void
language sql security definer as $$ insert into public.notes (body) values (b) $$;

create function public.my_profile() returns setof public.profiles
language sql security definer as $$ select * from public.profiles where id = auth.uid() $$;
"""


def test_platform_tables_are_told_from_calls() -> None:
    assert _platform_tables("select email from auth.users u") == ["auth.users"]
    assert _platform_tables('FROM "auth"."users" JOIN vault.decrypted_secrets') == [
        "auth.users",
        "vault.decrypted_secrets",
    ]
    assert (
        _platform_tables("where id = auth.uid() and auth.jwt() ->> 'role' = 'x' and \"auth\".\"uid\"()") == []
    )


def test_definer_reading_auth_users_is_kept(tmp_path: Path) -> None:
    d = migrations(tmp_path, {"20240101000000_init.sql": SQL}, sub="supabase/migrations")
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    text = plan.read_text()
    definers = {x["function"]: x for x in tomllib.loads(text)["definer"]}
    assert definers["public.email_of(text)"]["action"] == "keep"
    assert definers["public.admins()"]["action"] == "keep"
    assert definers["public.my_profile()"]["action"] == "invoker"
    # writes to a table whose RLS lets no policy INSERT / DELETE: only a definer can
    assert definers["public.log_it()"]["action"] == "keep"
    assert definers["public.clear_audit()"]["action"] == "keep"
    assert definers["public.add_note(text)"]["action"] == "invoker"
    assert "writes public.audit (INSERT): RLS is enabled and no policy allows that command" in " ".join(
        text.split()
    )
    assert "reads auth.users, which the app's roles cannot read" in " ".join(text.split())
