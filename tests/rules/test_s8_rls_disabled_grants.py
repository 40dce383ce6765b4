"""``rls-disabled`` says what the API can do with the table from the privileges the chain leaves to
anon, authenticated and PUBLIC: every row privilege by Supabase's default privileges, minus what the
REVOKEs take; none at all is reported as info with the revoke named."""

from __future__ import annotations

import pytest

from pgconsolidate.rules.finding import Severity

from .conftest import Check

RULE = "rls-disabled"
API = {"0_api.sql": "grant usage on schema public to anon;"}
T = "create table t (id int primary key);\n"
ADP = "alter default privileges in schema public revoke all on tables from anon, authenticated;\n"

#: (the migration, severity, piece of the message)
CASES = [
    (T, Severity.ERROR, "the API can read and write every row"),
    (
        T + "revoke all on table public.t from authenticated, anon, public;",
        Severity.INFO,
        "anon, authenticated and PUBLIC hold no privilege on it (revoked at 1_a.sql:2:1): the API cannot "
        "reach it now; a later GRANT would expose every row",
    ),
    (T + "revoke all on t from anon;", Severity.ERROR, "the API can read and write every row"),
    (
        T + "revoke insert, update, delete on t from anon, authenticated;",
        Severity.ERROR,
        "can read every row",
    ),
    (T + "revoke select on t from anon, authenticated;", Severity.ERROR, "the API can write every row"),
    (
        T + "revoke all on t from anon, authenticated;\ngrant select on t to authenticated;",
        Severity.ERROR,
        "the API can read every row",
    ),
    (
        T + "revoke all on t from anon, authenticated;\ngrant select on t to public;",
        Severity.ERROR,
        "the API can read every row",
    ),
    (
        T + "revoke all on all tables in schema public from anon, authenticated;",
        Severity.INFO,
        "hold no privilege",
    ),
    (ADP + T, Severity.INFO, "hold no privilege on it (revoked at 1_a.sql:1:1)"),
    (T + ADP, Severity.ERROR, "read and write"),  # default privileges apply to later tables only
    (
        T + "revoke all on t from anon, authenticated;\ndrop table t;\n" + T,
        Severity.ERROR,
        "read and write",  # the re-created table has the default privileges again
    ),
    (
        T + "revoke all on t from anon, authenticated;\ngrant all on all tables in schema public to anon;",
        Severity.ERROR,
        "read and write",
    ),
]


@pytest.mark.parametrize(("sql", "severity", "piece"), CASES)
def test_privileges_said(check: Check, sql: str, severity: Severity, piece: str) -> None:
    found = check(RULE, {**API, "1_a.sql": sql})
    assert len(found) == 1
    assert found[0].severity == severity
    assert piece in found[0].message
    assert found[0].objects == ("public.t",)


def test_rls_enabled_still_quiet(check: Check) -> None:
    sql = T + "alter table t enable row level security;\nrevoke all on t from anon, authenticated;"
    assert check(RULE, {**API, "1_a.sql": sql}) == []
