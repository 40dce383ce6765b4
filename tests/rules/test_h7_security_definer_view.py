"""ok/bad cases of ``security-definer-view`` (Supabase's security_definer_view lint, from the migrations)."""

from __future__ import annotations

import pytest

from pgconsolidate.config import Config
from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.rules.finding import Severity

from .helpers import EXAMPLE_MIGRATIONS

RULE = "security-definer-view"
API = {"0_api.sql": "grant usage on schema public to anon;"}
T = "create table t (id int, user_id uuid);\n"


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("create view v as select * from t;", [2]),
        ("create view v with (security_invoker = false) as select * from t;", [2]),
        # CREATE OR REPLACE resets the options
        (
            "create view v with (security_invoker = true) as select * from t;\n"
            "create or replace view v as select id from t;",
            [3],
        ),
        # RESET after: reported at the ALTER
        (
            "create view v with (security_invoker = true) as select * from t;\n"
            "alter view v reset (security_invoker);",
            [3],
        ),
        (
            "create view v with (security_invoker = true) as select * from t;\n"
            "alter view v set (security_invoker = off);",
            [3],
        ),
        # only anon lost SELECT: authenticated still reads it
        ("create view v as select * from t;\nrevoke select on v from anon;", [2]),
        # --- ok
        ("create view v with (security_invoker = true) as select * from t;", []),
        ("create view v with (security_invoker) as select * from t;", []),
        ("create view v with (security_invoker = on) as select * from t;", []),
        ("create view v with (security_invoker = 1) as select * from t;", []),
        ("create view v as select * from t;\nalter view v set (security_invoker = true);", []),
        ("create view v as select * from t;\nalter table v set (security_invoker = true);", []),
        ("create view private.v as select * from t;", []),
        ("create view v as select * from t;\nrevoke all on v from anon, authenticated;", []),
        ("create view v as select * from t;\ndrop view v;", []),
        ("create materialized view v as select * from t;", []),  # not a view (no security_invoker)
    ],
)
def test_cases(check, sql, expected):
    found = check(RULE, {**API, "1_a.sql": T + sql})
    assert [f.location.line for f in found] == expected
    for f in found:
        assert (
            f.objects == ("public.v",) and f.severity is Severity.ERROR and f.help and "public.t" in f.message
        )


def test_not_an_api_project(check):
    assert check(RULE, {"1_a.sql": T + "create view v as select * from t;"}) == []
    found = check(
        RULE, {"1_a.sql": T + "create view v as select * from t;"}, Config(exposed_schemas=("public",))
    )
    assert len(found) == 1


def test_ignore_comment(check):
    sql = T + "-- pgconsolidate: ignore security-definer-view\ncreate view v as select * from t;"
    assert check(RULE, {**API, "1_a.sql": sql}) == []


def test_example():
    found = analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE]).findings
    assert sorted((f.location.file, f.location.line, f.objects[0]) for f in found) == [
        ("012_agent_dashboard_views.sql", 5, "public.agent_memory_counts"),
        ("012_agent_dashboard_views.sql", 15, "public.agent_dashboard"),
    ]
