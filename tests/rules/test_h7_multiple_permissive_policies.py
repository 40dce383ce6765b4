"""ok/bad cases of ``multiple-permissive-policies`` (Supabase's lint of that name, from the migrations)."""

from __future__ import annotations

import pytest

from pgconsolidate.report.analyze import analyze_directory

from .helpers import EXAMPLE_MIGRATIONS

RULE = "multiple-permissive-policies"
T = "create table t (id int, user_id uuid);\nalter table t enable row level security;\n"


@pytest.mark.parametrize(
    ("policies", "expected"),
    [
        # FOR ALL next to FOR SELECT, same role
        (
            "create policy a on t for all to authenticated using (true);\n"
            "create policy b on t for select to authenticated using (true);",
            [(4, ("public.t.b", "public.t.a"), "role authenticated on SELECT")],
        ),
        # two TO public (the default): every role
        (
            "create policy a on t for select using (true);\ncreate policy b on t for select using (id > 0);",
            [(4, ("public.t.b", "public.t.a"), "every role on SELECT")],
        ),
        # TO public overlaps a named role
        (
            "create policy a on t for update using (true);\n"
            "create policy b on t for update to anon using (true);",
            [(4, ("public.t.b", "public.t.a"), "role anon on UPDATE")],
        ),
        # two FOR ALL: every command, one finding
        (
            "create policy a on t to authenticated using (true);\n"
            "create policy b on t to authenticated using (true);",
            [(4, ("public.t.b", "public.t.a"), "SELECT, INSERT, UPDATE, DELETE")],
        ),
        # three policies, the overlap is between the second and the third
        (
            "create policy a on t for select to anon using (true);\n"
            "create policy b on t for insert to authenticated with check (true);\n"
            "create policy c on t for insert to authenticated with check (true);",
            [(5, ("public.t.c", "public.t.b"), "INSERT")],
        ),
        # --- ok
        (
            "create policy a on t for select to anon using (true);\n"
            "create policy b on t for select to authenticated using (true);",
            [],
        ),
        (
            "create policy a on t for select using (true);\n"
            "create policy b on t for insert with check (true);",
            [],
        ),
        (
            "create policy a on t for select using (true);\n"
            "create policy b on t as restrictive for select using (id > 0);",
            [],
        ),
        # roles that bypass row level security are left out
        (
            "create policy a on t for select to service_role using (true);\n"
            "create policy b on t for select to service_role using (true);",
            [],
        ),
        # a dropped policy does not count
        (
            "create policy a on t for select using (true);\ncreate policy b on t for select using (true);\n"
            "drop policy a on t;",
            [],
        ),
    ],
)
def test_cases(check, policies, expected):
    found = check(RULE, {"1_a.sql": T + policies})
    got = [(f.location.line, f.objects) for f in found]
    assert got == [(line, objects) for line, objects, _ in expected]
    for f, (_, _, words) in zip(found, expected, strict=True):
        assert words in f.message and f.help and f.related


def test_rls_off_is_left_to_policy_without_rls(check):
    sql = "create table t (id int);\ncreate policy a on t using (true);\ncreate policy b on t using (true);"
    assert check(RULE, {"1_a.sql": sql}) == []


def test_supabase_schemas_are_left_out(check):
    sql = (
        "create policy a on storage.objects for select using (true);\n"
        "create policy b on storage.objects for select using (true);"
    )
    assert check(RULE, {"1_a.sql": sql}) == []


def test_across_files_points_at_the_later(check):
    files = {
        "1_a.sql": T + "create policy a on t for select using (true);",
        "2_b.sql": "create policy b on t for select using (true);",
    }
    (f,) = check(RULE, files)
    assert (f.location.file, f.location.line) == ("2_b.sql", 1)
    assert [(r.file, r.line) for r in f.related] == [("1_a.sql", 3)]


def test_ignore_comment(check):
    sql = (
        T + "create policy a on t for select using (true);\n"
        "-- pgconsolidate: ignore multiple-permissive-policies\ncreate policy b on t for select using (true);"
    )
    assert check(RULE, {"1_a.sql": sql}) == []


def test_example():
    found = analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE]).findings
    assert sorted(f.objects[-1] for f in found) == [
        "public.memories.Users can view own memories",
        "public.memory_types.Memory types are public",
        "public.shared_memories.Users see shares involving them",
    ]
