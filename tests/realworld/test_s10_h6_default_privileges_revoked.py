"""Found on a Supabase project that closed the platform's blanket grants to ``anon``: ``ALTER DEFAULT
PRIVILEGES IN SCHEMA public REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLES FROM
anon`` (and later ``REVOKE SELECT``). The platform's base already has that default-privileges entry
(``GRANT ALL ON TABLES TO anon`` for postgres in public); the dump of the replayed chain prints the
modified entry as its final grants only (``GRANT MAINTAIN ON TABLES TO anon``), and the clean set ran
that on top of the base's entry: every table created later would give anon every privilege again. The
proof saw it ("NOT verified"). The clean set now first takes back, in such an entry, what the base's
entry grants, then grants what the chain's entry holds; an entry of the base the chain emptied (PostgreSQL
deletes it, the dump has nothing) is revoked whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import consolidated, migrations

FIRST = """
create table public.notes (id bigint primary key, owner uuid not null default auth.uid());
alter table public.notes enable row level security;
create policy own on public.notes for select using (owner = (select auth.uid()));
"""


@pytest.mark.parametrize(
    "revoke",
    [
        "revoke insert, update, delete, truncate, references, trigger on tables from anon",
        "revoke all on tables from anon",
        "revoke select on tables from anon, authenticated",
        # every role of the base's entry: PostgreSQL deletes the entry, the dump has none
        "revoke all on tables from anon, authenticated, service_role",
    ],
)
def test_clean_set_keeps_the_revoked_defaults(tmp_path: Path, revoke: str) -> None:
    d = migrations(
        tmp_path,
        {
            "20240101000000_notes.sql": FIRST,
            "20240102000000_lockdown.sql": (
                f"alter default privileges in schema public {revoke};\n"
                "create table public.later (id bigint primary key);\n"
            ),
        },
    )
    out = consolidated(tmp_path, d)  # the proof compares default privileges and the later table's grants
    assert run(["verify", str(out)]) == 0
