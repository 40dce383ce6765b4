"""Found on a Supabase project: ``create policy "Members can update their own notification." on
elwood.notification for update to authenticated with check (elwood.is_a_member() AND user_id =
auth.uid())`` — no USING. PostgreSQL then lets the role update no row: "mark as seen" changes nothing,
without an error, and nothing said so. Rule ``update-policy-without-using``: ok/bad cases, and the
behaviour it describes, on the scratch server."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.scratch import ScratchServer, throwaway_database

from .helpers import migrations

TABLE = "create table public.notes (id int primary key, owner uuid, seen boolean default false);\n"
TABLE += "alter table public.notes enable row level security;\n"
ONLY_CHECK = (
    "create policy upd on public.notes for update to authenticated with check (owner = auth.uid());\n"
)


def _messages(tmp_path: Path, sql: str) -> list[str]:
    report = analyze_directory(
        migrations(tmp_path, {"001_p.sql": TABLE + sql}), select=["update-policy-without-using"]
    )
    return [f.message for f in report.findings]


def test_reported(tmp_path: Path) -> None:
    (message,) = _messages(tmp_path, ONLY_CHECK)
    assert message.startswith("policy 'upd' on public.notes is FOR UPDATE with only WITH CHECK")


@pytest.mark.parametrize(
    "sql",
    [
        "create policy upd on public.notes for update using (owner = auth.uid())\n"
        "  with check (owner = auth.uid());\n",
        "create policy upd on public.notes for update using (owner = auth.uid());\n",
        # another UPDATE (or ALL) policy of the same roles says which rows
        ONLY_CHECK
        + "create policy own on public.notes for all to authenticated using (owner = auth.uid());\n",
        # restrictive: narrows, does not grant
        "create policy upd on public.notes as restrictive for update with check (owner = auth.uid());\n",
    ],
)
def test_not_reported(tmp_path: Path, sql: str) -> None:
    assert _messages(tmp_path, sql) == []


def test_postgres_updates_no_row_without_using(scratch_server: ScratchServer) -> None:
    with throwaway_database(scratch_server) as url, psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create role h6_update_tester nologin")
        try:
            conn.execute("create table t (id int primary key, v int); insert into t values (1, 1)")
            conn.execute("alter table t enable row level security")
            conn.execute("create policy sel on t for select using (true)")
            conn.execute("create policy upd on t for update with check (true)")
            conn.execute("grant select, update on t to h6_update_tester")
            conn.execute("set role h6_update_tester")
            assert conn.execute("update t set v = 2 where id = 1 returning id").fetchall() == []
        finally:
            conn.execute("reset role")
            conn.execute("drop table if exists t")
            conn.execute("drop role h6_update_tester")
