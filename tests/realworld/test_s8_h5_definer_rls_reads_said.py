"""Found on a Supabase SaaS project: ``join_session(code)`` is a SECURITY DEFINER that looks a session up
by its code in ``public.sessions``, whose only SELECT policy shows a session to members of its
organization; the caller joins that organization in the same function. The plan converted it to
INVOKER with the comment "RLS then applies to what it reads": as an invoker it finds no session for a
caller who is not a member yet, so nobody can join any more. The comment now names each RLS-protected
table the function reads and the policies that filter it, and says when to keep the definer; a function
reading only tables whose SELECT policy shows every row keeps the short comment."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run

from .helpers import migrations

FILES = {
    "20250101000000_sessions.sql": (
        "create table public.members (org uuid, user_id uuid, primary key (org, user_id));\n"
        "create table public.sessions (code text primary key, org uuid not null);\n"
        "create table public.plans (id int primary key);\n"
        "alter table public.members enable row level security;\n"
        "alter table public.sessions enable row level security;\n"
        "alter table public.plans enable row level security;\n"
        'create policy "Members can read sessions" on public.sessions for select\n'
        "  using (exists (select 1 from public.members m\n"
        "                 where m.org = sessions.org and m.user_id = auth.uid()));\n"
        'create policy "join" on public.members for insert with check (user_id = auth.uid());\n'
        'create policy "everyone" on public.plans for select using (true);\n'
        "create function public.join_session(p_code text) returns uuid\n"
        "  language plpgsql security definer as $$\n"
        "declare s public.sessions%rowtype;\n"
        "begin\n"
        "  select * into s from public.sessions where code = p_code;\n"
        "  insert into public.members (org, user_id) values (s.org, auth.uid());\n"
        "  return s.org;\n"
        "end $$;\n"
        "create function public.plan_count() returns bigint language sql security definer as $$\n"
        "  select count(*) from public.plans\n"
        "$$;\n"
    ),
}


def test_plan_names_what_the_invoker_would_not_see(tmp_path: Path) -> None:
    d = migrations(tmp_path, FILES)
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    blocks = {b.split('function = "')[1].split('"')[0]: b for b in plan.read_text().split("[[definer]]")[1:]}
    join = " ".join(line.lstrip("# ") for line in blocks["public.join_session(text)"].splitlines())
    assert "public.sessions: rows shown by policy 'Members can read sessions'" in join
    assert 'set action = "keep"' in join
    count = blocks["public.plan_count()"]
    assert "public.plans" not in count and 'set action = "keep"' not in count
