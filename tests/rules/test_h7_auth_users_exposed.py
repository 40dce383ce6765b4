"""ok/bad cases of ``auth-users-exposed`` (Supabase's auth_users_exposed lint, from the migrations)."""

from __future__ import annotations

import pytest

from pgconsolidate.report.analyze import analyze_directory

from .helpers import EXAMPLE_MIGRATIONS

RULE = "auth-users-exposed"
API = {"0_api.sql": "grant usage on schema public to anon;"}


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("create view v as select id, email from auth.users;", [(1, "public.v")]),
        ("create materialized view v as select id, email from auth.users;", [(1, "public.v")]),
        (
            "create view v as select p.id, u.email from profiles p join auth.users u on u.id = p.id;",
            [(1, "public.v")],
        ),
        # through a view in a schema the API does not expose
        (
            "create view private.u as select id, email from auth.users;\n"
            "create view v as select * from private.u;",
            [(2, "public.v")],
        ),
        # a later security_invoker = false
        (
            "create view v with (security_invoker) as select id from auth.users;\n"
            "alter view v set (security_invoker = false);",
            [(2, "public.v")],
        ),
        # --- ok
        ("create view v with (security_invoker = true) as select id, email from auth.users;", []),
        ("create view private.v as select id, email from auth.users;", []),
        ("create view v as select id from profiles;", []),
        ("create view v as select id from auth.users;\nrevoke all on v from anon, authenticated;", []),
        ("create view v as select id from auth.users;\ndrop view v;", []),
    ],
)
def test_cases(check, sql, expected):
    found = check(RULE, {**API, "1_a.sql": sql})
    assert [(f.location.line, f.objects[0]) for f in found] == expected
    for f in found:
        assert "auth.users" in f.message and f.help


def test_through_names_the_chain(check):
    sql = (
        "create view private.u as select id, email from auth.users;\n"
        "create view v as select * from private.u;"
    )
    (f,) = check(RULE, {**API, "1_a.sql": sql})
    assert "private.u" in f.message


def test_ignore_comment(check):
    sql = "-- pgconsolidate: ignore auth-users-exposed\ncreate view v as select id from auth.users;"
    assert check(RULE, {**API, "1_a.sql": sql}) == []


def test_example():
    assert analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE]).findings == ()
