"""ok/bad cases of ``policy-uses-user-metadata`` (Supabase's rls_references_user_metadata lint, from the
migrations)."""

from __future__ import annotations

import pytest

from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.rules.finding import Severity

from .helpers import EXAMPLE_MIGRATIONS

RULE = "policy-uses-user-metadata"
T = "create table t (id int, user_metadata jsonb);\nalter table t enable row level security;\n"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("create policy p on t using (auth.jwt() -> 'user_metadata' ->> 'role' = 'admin');", "user_metadata"),
        (
            "create policy p on t using ((select auth.jwt()) -> 'user_metadata' ->> 'role' = 'admin');",
            "user_metadata",
        ),
        (
            "create policy p on t for insert with check ((current_setting('request.jwt.claims', true)::jsonb "
            "-> 'user_metadata' ->> 'team') = 'a');",
            "user_metadata",
        ),
        (
            "create policy p on t using (exists (select 1 from auth.users u where u.id = (select auth.uid()) "
            "and u.raw_user_meta_data ->> 'role' = 'admin'));",
            "raw_user_meta_data",
        ),
        # --- ok
        ("create policy p on t using ((select auth.jwt()) -> 'app_metadata' ->> 'role' = 'admin');", None),
        ("create policy p on t using (user_metadata ->> 'public' = 'yes');", None),  # the table's own column
        ("create policy p on t using (true);", None),
    ],
)
def test_cases(check, policy, expected):
    found = check(RULE, {"1_a.sql": T + policy})
    if expected is None:
        assert found == []
        return
    (f,) = found
    assert (f.location.line, f.objects) == (3, ("public.t.p",))
    assert expected in f.message and f.severity is Severity.ERROR and f.help


def test_alter_policy(check):
    files = {
        "1_a.sql": T + "create policy p on t using (true);",
        "2_b.sql": "alter policy p on t using (auth.jwt() -> 'user_metadata' ->> 'role' = 'admin');",
    }
    (f,) = check(RULE, files)
    assert (f.location.file, f.location.line) == ("2_b.sql", 1)


def test_ignore_comment(check):
    sql = (
        T + "-- pgconsolidate: ignore policy-uses-user-metadata\n"
        "create policy p on t using (auth.jwt() -> 'user_metadata' ->> 'role' = 'admin');"
    )
    assert check(RULE, {"1_a.sql": sql}) == []


def test_example():
    assert analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE]).findings == ()
