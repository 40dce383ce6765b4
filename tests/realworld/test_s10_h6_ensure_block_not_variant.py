"""Found on a Lovable-made Supabase project: a migration "ensures" its policies exist, each in a DO block
(``IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE ...) THEN CREATE POLICY ...``), after the file that
created them. ``variant-files`` called it "a variant of" that file and advised deleting one of them; the
ensure-file changes nothing where the earlier file ran. A CREATE in a DO block guarded against the object
existing no longer counts as a redefinition; an unguarded DO-block CREATE still does."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.report.analyze import analyze_directory

from .helpers import migrations

FIRST = (
    "create table public.contact_messages (id int primary key);\n"
    'create policy "insert messages" on public.contact_messages for insert with check (true);\n'
    'create policy "read messages" on public.contact_messages for select using (false);\n'
)


def _findings(tmp_path: Path, second: str) -> list[str]:
    d = migrations(tmp_path, {"001_first.sql": FIRST, "002_second.sql": second})
    return [f.message for f in analyze_directory(d, select=["variant-files"]).findings]


def _do(policy: str, using: str, guard: bool) -> str:
    create = f'create policy "{policy}" on public.contact_messages for select using ({using});'
    if guard:
        create = (
            f"if not exists (select 1 from pg_policies where tablename = 'contact_messages' "
            f"and policyname = '{policy}') then {create} end if;"
        )
    return f"do $$ begin {create} end $$;\n"


def test_guarded_ensure_is_not_a_variant(tmp_path: Path) -> None:
    second = _do("insert messages", "true", guard=True) + _do("read messages", "false", guard=True)
    assert _findings(tmp_path, second) == []


def test_unguarded_do_block_still_is(tmp_path: Path) -> None:
    second = _do("insert messages", "true", guard=False) + _do("read messages", "false", guard=False)
    (message,) = _findings(tmp_path, second)
    assert message.startswith("002_second.sql is a variant of 001_first.sql")
