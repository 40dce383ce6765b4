"""Found on hero-org/herocast: ``decrypted_account(uuid)`` is a SECURITY DEFINER RPC for ``authenticated``
over the view ``decrypted_accounts``, whose SELECT a later migration revokes from anon and authenticated
("the RPC is the intended user-facing decryption boundary"). The plan converted it to SECURITY INVOKER by
default ("RLS then applies to what it reads"): after apply every call fails with permission denied. A
definer that reads a table or view on which ``authenticated`` (which may execute it) has no SELECT is now
kept, with the reason."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.plan.toml_read import read_plan

from .helpers import migrations

SQL = """create table public.keys (id uuid primary key, owner uuid references auth.users (id), secret text);
alter table public.keys enable row level security;
create policy own_key on public.keys for select to authenticated using (owner = (select auth.uid()));
revoke all on public.keys from anon, authenticated;
create table public.notes (id uuid primary key, owner uuid references auth.users (id), body text);
alter table public.notes enable row level security;
create policy own on public.notes for select to authenticated using (owner = (select auth.uid()));

create function public.my_key(p uuid) returns text language sql security definer set search_path = ''
as $$ select k.secret from public.keys k where k.id = p and k.owner = auth.uid() $$;
create function public.my_note(p uuid) returns text language sql security definer set search_path = ''
as $$ select n.body from public.notes n where n.id = p $$;
revoke execute on function public.my_key(uuid), public.my_note(uuid) from public, anon;
grant execute on function public.my_key(uuid), public.my_note(uuid) to authenticated;
"""


def test_definer_over_revoked_table_is_kept(tmp_path: Path) -> None:
    d = migrations(tmp_path, {"20240101000000_keys.sql": SQL}, sub="supabase/migrations")
    out = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(out)]) == 0
    plan, problems = read_plan(out.read_text())
    assert problems == ()
    by_fn = {x.function: x for x in plan.definers}
    kept = by_fn["public.my_key(uuid)"]
    assert kept.action == "keep"
    assert "reads public.keys, on which authenticated (which may execute it) has no SELECT" in " ".join(
        kept.reason.split()
    )
    assert by_fn["public.my_note(uuid)"].action == "invoker"  # readable: RLS decides, as before
