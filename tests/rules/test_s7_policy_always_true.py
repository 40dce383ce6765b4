"""ok/bad cases of ``policy-always-true`` (Supabase's advisor warning about write policies that are
always true, from the migrations)."""

from __future__ import annotations

import pytest

from pgconsolidate.config import Config
from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.rules.policy_always_true import always_true

from .helpers import EXAMPLE_MIGRATIONS

RULE = "policy-always-true"
#: a Supabase project (its SQL names the API roles, so ``public`` is exposed), and a table with RLS on
T = (
    "create table t (id int, user_id uuid);\nalter table t enable row level security;\n"
    "grant select on t to anon, authenticated;\n"
)


@pytest.mark.parametrize(
    ("policies", "expected"),
    [
        # the advisor's own example: INSERT open to both API roles
        (
            'create policy "x" on t for insert to anon, authenticated with check (true);',
            [
                (
                    4,
                    "public.t.x",
                    "FOR INSERT TO anon, authenticated) is always true: anon, authenticated may insert",
                )
            ],
        ),
        # FOR ALL, TO public by default
        (
            "create policy a on t for all using (true);",
            [(4, "public.t.a", "every role (public) may insert, update and delete every row")],
        ),
        (
            "create policy a on t for update to authenticated using ((true));",
            [(4, "public.t.a", "update every")],
        ),
        ("create policy a on t for delete to anon using (1 = 1);", [(4, "public.t.a", "delete every row")]),
        # FOR ALL whose USING is a real condition but WITH CHECK is true: anyone inserts any row
        (
            "create policy a on t to authenticated using (auth.uid() = user_id) with check ('t'::boolean);",
            [(4, "public.t.a", "insert any row")],
        ),
        # ALTER POLICY makes it true: the finding points at the ALTER
        (
            "create policy a on t for insert to authenticated with check (auth.uid() = user_id);\n"
            "alter policy a on t with check (true);",
            [(5, "public.t.a", "insert any row")],
        ),
        # ALTER POLICY widens the roles to anon: points at the ALTER
        (
            "create policy a on t for delete to service_role using (true);\nalter policy a on t to anon;",
            [(5, "public.t.a", "anon may delete")],
        ),
        # --- ok
        # ALTER POLICY makes it safe
        (
            "create policy a on t for insert to authenticated with check (true);\n"
            "alter policy a on t with check ((select auth.uid()) = user_id);",
            [],
        ),
        ("create policy a on t for all using (true);\ndrop policy a on t;", []),
        # ALTER POLICY restricts it to the service role
        (
            "create policy a on t for all to authenticated using (true);\n"
            "alter policy a on t to service_role;",
            [],
        ),
        # restrictive policies only narrow access
        ("create policy a on t as restrictive for all to authenticated using (true);", []),
        # the service role bypasses row level security anyway
        ("create policy a on t for all to service_role using (true) with check (true);", []),
        # a SELECT policy using (true): public read access is a choice
        ("create policy a on t for select to anon, authenticated using (true);", []),
        # conditions that are not certainly true
        ("create policy a on t for update to authenticated using (auth.uid() = user_id);", []),
        ("create policy a on t for delete using (1 = 2);", []),
        ("create policy a on t for insert with check (false or user_id is null);", []),
        # UPDATE whose rows are conditioned (only the new values are unchecked)
        ("create policy a on t for update using (auth.uid() = user_id) with check (true);", []),
        # a quoted role name that only looks like an API role
        ('create policy a on t for insert to "Authenticated" with check (true);', []),
    ],
)
def test_cases(check, policies, expected):
    found = check(RULE, {"1_a.sql": T + policies})
    got = [(f.location.line, f.objects) for f in found]
    assert got == [(line, (oid,)) for line, oid, _ in expected]
    for f, (_, _, words) in zip(found, expected, strict=True):
        assert words in f.message and "auth.uid()" in f.help and "service_role" in f.help


def test_not_exposed_schema(check):
    sql = (
        "create schema private;\ncreate table private.t (id int);\n"
        "alter table private.t enable row level security;\n"
        "create policy a on private.t for all to authenticated using (true);\n"
    )
    assert check(RULE, {"1_a.sql": sql}) == []
    # ... unless it is configured as exposed
    config = Config(exposed_schemas=("public", "private"))
    (f,) = check(RULE, {"1_a.sql": sql}, config)
    assert f.objects == ("private.t.a",) and f.location.line == 4


def test_rls_off_is_left_to_other_rules(check):
    sql = "create table t (id int);\ncreate policy a on t for all using (true);"
    assert check(RULE, {"1_a.sql": sql}) == []


def test_across_files_points_at_the_alter(check):
    files = {
        "1_a.sql": T + "create policy a on t for update to authenticated using (auth.uid() = user_id);",
        "2_b.sql": "-- loosen it\nalter policy a on t using (true);",
    }
    (f,) = check(RULE, files)
    assert (f.location.file, f.location.line) == ("2_b.sql", 2)


def test_not_an_api_directory(check):
    # (the test's name stays clear of "supabase": a path that says so makes the directory one)
    sql = "create table t (id int);\nalter table t enable row level security;\n"
    sql += "create policy a on t using (true);"
    assert check(RULE, {"1_a.sql": sql}) == []
    config = Config(exposed_schemas=("public",))
    assert [f.objects for f in check(RULE, {"1_a.sql": sql}, config)] == [("public.t.a",)]


def test_ignore_comment(check):
    sql = (
        T + "-- pgconsolidate: ignore policy-always-true\ncreate policy a on t for insert with check (true);"
    )
    assert check(RULE, {"1_a.sql": sql}) == []


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("TRUE", True),
        ("(TRUE)", True),
        ("1 = 1", True),
        ("'t'::boolean", True),
        ("'yes'::pg_catalog.bool", True),
        ("1::boolean", True),
        ("TRUE AND (1 = 1)", True),
        ("FALSE OR TRUE", True),
        ("NOT FALSE", True),
        ("FALSE", False),
        ("1 = 2", False),
        ("0::boolean", False),
        ("'f'::boolean", False),
        ("NULL", False),
        ("TRUE AND FALSE", False),
        ("user_id = user_id", False),
        ("auth.uid() IS NOT NULL", False),
        ("auth.role() = 'authenticated'", False),
        (None, False),
        ("", False),
    ],
)
def test_always_true(expression, expected):
    assert always_true(expression) is expected


def test_example():
    found = analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE]).findings
    assert [f.objects for f in found] == []
