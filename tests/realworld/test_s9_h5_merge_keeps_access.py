"""Found on imbhargav5/nextbase-nextjs-supabase-starter: ``public.items`` (no row level security; the API
roles read and write every row) and ``public.private_items`` (RLS, owner-only UPDATE/DELETE policies, an
``owner_id`` column) have the same columns. The plan merged private_items into items by default
(``drop_source = true``): after the fix every private row would be readable and writable through the API,
and nothing said so. A pair whose row level security differs is now left out of the merges (its draft is
in the plan, with the reason), whatever the names."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.plan.toml_read import read_plan

from .helpers import migrations

ITEMS = (
    "create table public.{t} (id uuid primary key default gen_random_uuid(), created_at timestamptz not null "
    "default now(), name character varying not null, description character varying not null);\n"
)
RLS = (
    "alter table public.{t} enable row level security;\n"
    "create policy own on public.{t} for all to authenticated using (true);\n"
)


def _plan(tmp_path: Path, *, rls_on_both: bool) -> tuple[str, list[tuple[str, str]]]:
    files = {
        "20240101000000_items.sql": ITEMS.format(t="items") + (RLS.format(t="items") if rls_on_both else ""),
        "20240102000000_private.sql": ITEMS.format(t="items_private") + RLS.format(t="items_private"),
    }
    d = migrations(tmp_path, files)
    out = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(out)]) == 0
    text = out.read_text()
    return text, [(m.source, m.target) for m in read_plan(text)[0].merges]


def test_rls_mismatch_is_not_merged(tmp_path: Path) -> None:
    text, merges = _plan(tmp_path, rls_on_both=False)
    assert merges == []
    flat = " ".join(line.lstrip("# ") for line in text.splitlines())
    assert "not merged: access differs: public.items_private has row level security (1 policy)" in flat
    assert "# source = " in text  # the draft is there to uncomment


def test_same_access_still_merged(tmp_path: Path) -> None:
    _, merges = _plan(tmp_path, rls_on_both=True)
    assert len(merges) == 1
