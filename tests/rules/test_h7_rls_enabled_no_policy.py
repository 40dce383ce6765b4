"""ok/bad cases of ``rls-enabled-no-policy`` (Supabase's rls_enabled_no_policy lint, from the migrations)."""

from __future__ import annotations

import pytest

from pgconsolidate.config import Config
from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.rules.finding import Severity

from .helpers import EXAMPLE_MIGRATIONS

RULE = "rls-enabled-no-policy"
API = {"0_api.sql": "grant usage on schema public to anon;"}  # makes the directory look like Supabase
T = "create table t (id int);\nalter table t enable row level security;\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({**API, "1_a.sql": T}, [("1_a.sql", 2)]),
        # its only policy dropped later: reported where RLS was enabled, the drop listed
        (
            {**API, "1_a.sql": T + "create policy p on t using (true);", "2_b.sql": "drop policy p on t;"},
            [("1_a.sql", 2)],
        ),
        # --- ok
        ({**API, "1_a.sql": T + "create policy p on t using (true);"}, []),
        ({**API, "1_a.sql": "create table t (id int);"}, []),  # rls-disabled's business
        (
            {
                **API,
                "1_a.sql": "create table private.t (id int);\n"
                "alter table private.t enable row level security;",
            },
            [],
        ),
        ({"1_a.sql": T}, []),  # not an API project: no exposed schema
        ({**API, "1_a.sql": T + "alter table t disable row level security;"}, []),
        # a DO block creating the policy with EXECUTE, naming the table
        (
            {
                **API,
                "1_a.sql": T
                + "do $$ begin execute format('create policy p on %I using (true)', 't'); end $$;",
            },
            [],
        ),
        # a DO block creating policies on the tables it finds in the catalog: nothing can be told
        (
            {
                **API,
                "1_a.sql": T + "do $$ declare r record; begin for r in select tablename from pg_tables loop "
                "execute format('create policy p on %I using (true)', r.tablename); end loop; end $$;",
            },
            [],
        ),
    ],
)
def test_cases(check, files, expected):
    found = check(RULE, files)
    assert [(f.location.file, f.location.line) for f in found] == expected
    for f in found:
        assert f.severity is Severity.INFO and f.objects == ("public.t",) and f.help


def test_dropped_policies_are_named(check):
    files = {**API, "1_a.sql": T + "create policy p on t using (true);", "2_b.sql": "drop policy p on t;"}
    (f,) = check(RULE, files)
    assert "2_b.sql:1" in f.message
    assert ("2_b.sql", 1) in [(r.file, r.line) for r in f.related]


def test_function_creating_the_policy(check):
    body = (
        "create function mk() returns void language plpgsql as "
        "$$ begin execute 'create policy p on t using (true)'; end $$;"
    )
    assert check(RULE, {**API, "1_a.sql": T + body}) == []
    # a static CREATE POLICY in a DO block is in the model
    block = "do $$ begin if true then create policy p on t using (true); end if; end $$;"
    assert check(RULE, {**API, "1_a.sql": T + block}) == []


def test_do_block_naming_another_table(check):
    files = {
        **API,
        "1_a.sql": T + "do $$ begin execute format('create policy p on %I using (true)', 'other'); end $$;",
    }
    assert len(check(RULE, files)) == 1


def test_exposed_schemas_setting(check):
    files = {"1_a.sql": "create table api.t (id int);\nalter table api.t enable row level security;"}
    assert check(RULE, files) == []
    (f,) = check(RULE, files, Config(exposed_schemas=("api",)))
    assert f.objects == ("api.t",)


def test_ignore_comment(check):
    sql = (
        "create table t (id int);\n-- pgconsolidate: ignore rls-enabled-no-policy\n"
        "alter table t enable row level security;"
    )
    assert check(RULE, {**API, "1_a.sql": sql}) == []


def test_example():
    found = analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE]).findings
    assert sorted(f.objects[0] for f in found) == [
        "public.memory_access_log",  # intended (README: only written by SECURITY DEFINER functions)
        "public.memory_consolidation_runs",
        "public.ollama_embedding_cache",
    ]
