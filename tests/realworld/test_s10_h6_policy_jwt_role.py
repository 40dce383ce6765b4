"""Found on a Supabase project: ``create policy "Admins can delete profiles" on public.profiles for update
using (auth.jwt() ->> 'role' = 'admin')``. The JWT's top-level role claim is the database role the request
runs as (Supabase Auth issues ``authenticated``), never ``admin``: the policy lets no admin through, and
nothing said so. Rule ``policy-jwt-role``: ok/bad cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.report.analyze import analyze_directory

from .helpers import migrations

TABLE = "create table public.profiles (id uuid primary key, owner uuid);\n"
TABLE += "alter table public.profiles enable row level security;\n"

BAD = [
    ("using (auth.jwt() ->> 'role' = 'admin')", "'admin'"),
    ("using ((auth.jwt() ->> 'role'::text) = 'editor'::text)", "'editor'"),
    ("using ('moderator' = auth.role())", "'moderator'"),
    ("with check (current_setting('request.jwt.claim.role', true) = 'admin')", "'admin'"),
    (
        "using (owner = (select auth.uid())\n"
        "  or (current_setting('request.jwt.claims', true)::jsonb ->> 'role') = 'staff')",
        "'staff'",
    ),
]
OK = [
    "using (auth.role() = 'authenticated')",
    "using (auth.jwt() ->> 'role' = 'service_role')",
    "using ((auth.jwt() -> 'app_metadata' ->> 'role') = 'admin')",
    "using (owner = (select auth.uid()))",
]


def _messages(tmp_path: Path, expr: str, extra: str = "") -> list[str]:
    sql = TABLE + extra + f"create policy p on public.profiles for update {expr};\n"
    report = analyze_directory(migrations(tmp_path, {"001_p.sql": sql}), select=["policy-jwt-role"])
    return [f.message for f in report.findings if f.rule == "policy-jwt-role"]


@pytest.mark.parametrize(("expr", "shown"), BAD)
def test_reported(tmp_path: Path, expr: str, shown: str) -> None:
    (message,) = _messages(tmp_path, expr)
    assert f"compares the JWT's role claim with {shown}" in message and "never true" in message


@pytest.mark.parametrize("expr", OK)
def test_not_reported(tmp_path: Path, expr: str) -> None:
    assert _messages(tmp_path, expr) == []


def test_a_role_the_migrations_create_is_not_reported(tmp_path: Path) -> None:
    assert _messages(tmp_path, "using (auth.role() = 'admin')", "create role admin nologin;\n") == []
