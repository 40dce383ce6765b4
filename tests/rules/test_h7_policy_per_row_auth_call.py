"""ok/bad cases of ``policy-per-row-auth-call`` (Supabase's auth_rls_initplan lint, from the migrations)."""

from __future__ import annotations

import pytest

from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.rules._advisor import per_row_calls

from .helpers import EXAMPLE_MIGRATIONS

RULE = "policy-per-row-auth-call"
RLS = "create table t (id int, user_id uuid, org uuid);\nalter table t enable row level security;\n"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("create policy p on t using (user_id = auth.uid());", ["auth.uid()"]),
        ("create policy p on t for insert with check (user_id = auth.uid());", ["auth.uid()"]),
        ("create policy p on t using (auth.jwt() ->> 'role' = 'admin');", ["auth.jwt()"]),
        ("create policy p on t using (auth.role() = 'authenticated');", ["auth.role()"]),
        ("create policy p on t using (auth.email() like '%@x.com');", ["auth.email()"]),
        (
            "create policy p on t using ((current_setting('request.jwt.claims', true)::json->>'sub')::uuid "
            "= user_id);",
            ["current_setting(...)"],
        ),
        # a call inside a larger sub-query runs for each row that sub-query reads
        (
            "create policy p on t using (org in (select org from members where member = auth.uid()));",
            ["auth.uid()"],
        ),
        # one wrapped call does not excuse another
        (
            "create policy p on t using (user_id = (select auth.uid()) or auth.uid() is null);",
            ["auth.uid()"],
        ),
        # both expressions, reported once
        (
            "create policy p on t for update using (user_id = auth.uid()) with check "
            "(auth.jwt() is not null);",
            ["auth.uid()", "auth.jwt()"],
        ),
        # --- ok: wrapped in a scalar sub-select of their own
        ("create policy p on t using (user_id = (select auth.uid()));", []),
        ("create policy p on t using (user_id = (select auth.uid() as uid));", []),
        ("create policy p on t using ((select auth.jwt()) ->> 'role' = 'admin');", []),
        ("create policy p on t using ((select auth.jwt() ->> 'role') = 'admin');", []),
        (
            "create policy p on t using ((select current_setting('request.jwt.claims', true)::json->>'sub')"
            "::uuid = user_id);",
            [],
        ),
        (
            "create policy p on t using (org in (select org from members where member = "
            "(select auth.uid())));",
            [],
        ),
        ("create policy p on t using (true);", []),
        # only for a role that bypasses row level security: never evaluated
        ("create policy p on t to service_role using (user_id = auth.uid());", []),
        # a function of the app's own with a similar name
        ("create policy p on t using (my_auth.uid() = user_id);", []),
    ],
)
def test_cases(check, policy, expected):
    found = check(RULE, {"1_a.sql": RLS + policy})
    if not expected:
        assert found == []
        return
    (f,) = found
    assert (f.location.line, f.objects) == (3, ("public.t.p",))
    for call in expected:
        assert call in f.message
    assert f.help


def test_rls_off_is_left_to_policy_without_rls(check):
    sql = "create table t (user_id uuid);\ncreate policy p on t using (user_id = auth.uid());"
    assert check(RULE, {"1_a.sql": sql}) == []


def test_storage_objects_counts_as_rls_on(check):
    sql = "create policy p on storage.objects for select using (owner = auth.uid());"
    (f,) = check(RULE, {"1_a.sql": sql})
    assert f.objects == ("storage.objects.p",)


def test_alter_policy_is_reported_where_the_expression_was_set(check):
    files = {
        "1_a.sql": RLS + "create policy p on t using (user_id = (select auth.uid()));",
        "2_b.sql": "alter policy p on t using (user_id = auth.uid());",
    }
    (f,) = check(RULE, files)
    assert (f.location.file, f.location.line) == ("2_b.sql", 1)
    files["3_c.sql"] = "alter policy p on t using (user_id = (select auth.uid()));"
    assert check(RULE, files) == []


def test_replaced_policy(check):
    files = {
        "1_a.sql": RLS + "create policy p on t using (user_id = auth.uid());",
        "2_b.sql": "drop policy p on t;\ncreate policy p on t using (user_id = (select auth.uid()));",
    }
    assert check(RULE, files) == []


def test_ignore_comment(check):
    sql = (
        RLS
        + "-- pgconsolidate: ignore policy-per-row-auth-call\n"
        + "create policy p on t using (auth.uid() = user_id);"
    )
    assert check(RULE, {"1_a.sql": sql}) == []


def test_per_row_calls_unparsable_is_empty():
    assert per_row_calls("auth.uid( = ") == ()


def test_example():
    found = analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE]).findings
    assert len(found) == 17
    assert ("005_rls_policies.sql", 5, ("public.memories.Users can view own memories",)) in [
        (f.location.file, f.location.line, f.objects) for f in found
    ]
    # "Memory types are public" (using (true)) is not reported; "Admins manage memory types" is
    assert not any("Memory types are public" in f.objects[0] for f in found)
