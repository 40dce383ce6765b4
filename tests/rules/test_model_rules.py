"""ok/bad cases of the rules that look at the folded schema (final state and timelines)."""

from __future__ import annotations

import pytest

from pgconsolidate.rules.finding import Severity

DEFINER = "create or replace function f(a text) returns int language sql security definer as $$select 1$$;\n"
DEFINER_PINNED = (
    "create or replace function f(a text) returns int language sql security definer "
    "set search_path = '' as $$select 1$$;\n"
)
API = {"0_api.sql": "grant usage on schema public to anon;"}  # makes the directory look like Supabase
RLS_TABLE = "create table if not exists t (id int primary key);\nalter table t enable row level security;\n"

CASES = [
    # --- security-definer (final state)
    ("security-definer", {"1_a.sql": DEFINER}, [("1_a.sql", 1, "public.f(text)")]),
    ("security-definer", {"1_a.sql": DEFINER.replace("security definer", "security invoker")}, []),
    (
        "security-definer",
        {"1_a.sql": DEFINER, "2_b.sql": "alter function f(text) security invoker;"},
        [],
    ),
    (
        "security-definer",
        {"1_a.sql": DEFINER, "2_b.sql": DEFINER.replace(" security definer", "")},
        [],
    ),
    (
        "security-definer",
        {
            "1_a.sql": DEFINER.replace(" security definer", ""),
            "2_b.sql": "alter function f(text) security definer;",
        },
        [("2_b.sql", 1, "public.f(text)")],
    ),
    ("security-definer", {"1_a.sql": DEFINER, "2_b.sql": "drop function f(text);"}, []),
    # --- security-definer-search-path
    ("security-definer-search-path", {"1_a.sql": DEFINER}, [("1_a.sql", 1, "public.f(text)")]),
    ("security-definer-search-path", {"1_a.sql": DEFINER_PINNED}, []),
    (
        "security-definer-search-path",
        {"1_a.sql": DEFINER, "2_b.sql": "alter function public.f(text) set search_path = public;"},
        [],
    ),
    (
        "security-definer-search-path",
        {
            "1_a.sql": DEFINER,
            "2_b.sql": "alter function f(text) set search_path = public;",
            "3_c.sql": DEFINER,
        },
        [("3_c.sql", 1, "public.f(text)")],
    ),
    # --- rls-disabled / policy-without-rls
    (
        "rls-disabled",
        {**API, "1_a.sql": "create table t (id int primary key);"},
        [("1_a.sql", 1, "public.t")],
    ),
    ("rls-disabled", {"1_a.sql": "create table t (id int primary key);"}, []),  # not an API project
    ("rls-disabled", {**API, "1_a.sql": RLS_TABLE}, []),
    ("rls-disabled", {**API, "1_a.sql": "create table private.t (id int primary key);"}, []),
    (
        "rls-disabled",
        {**API, "1_a.sql": RLS_TABLE, "2_b.sql": "alter table t disable row level security;"},
        [("2_b.sql", 1, "public.t")],
    ),
    (
        "policy-without-rls",
        {"1_a.sql": "create table t (id int);\ncreate policy p on t for select using (true);"},
        [("1_a.sql", 2, "public.t.p")],
    ),
    ("policy-without-rls", {"1_a.sql": RLS_TABLE + "create policy p on t using (true);"}, []),
    # --- unindexed-foreign-key
    (
        "unindexed-foreign-key",
        {
            "1_a.sql": "create table u (id int primary key);\ncreate table t (id int primary key, u_id int "
            "references u);"
        },
        [("1_a.sql", 2, "public.t.u_id")],
    ),
    (
        "unindexed-foreign-key",
        {
            "1_a.sql": "create table u (id int primary key);\ncreate table t (id int primary key, u_id int "
            "references u);",
            "2_b.sql": "create index on t (u_id, id);",
        },
        [],  # an index without a name covers it too
    ),
    (
        "unindexed-foreign-key",
        {
            "1_a.sql": "create table u (id int primary key);\ncreate table t (id int primary key, u_id int "
            "references u);",
            "2_b.sql": "create index t_u on t (u_id, id);",
        },
        [],
    ),
    (
        "unindexed-foreign-key",
        {
            "1_a.sql": "create table u (id int primary key);\ncreate table t (u_id int references u, b "
            "int, unique (u_id, b));"
        },
        [],
    ),
    # --- duplicate-create
    (
        "duplicate-create",
        {"1_a.sql": "create table t (a int);", "2_b.sql": "create table t (a int, b text);"},
        [("2_b.sql", 1, "public.t")],
    ),
    (
        "duplicate-create",
        {"1_a.sql": "create table t (a int);", "2_b.sql": "drop table t;\ncreate table t (a int);"},
        [],
    ),
    (
        "duplicate-create",
        {"1_a.sql": "create table t (a int);", "2_b.sql": "create extension if not exists vector;"},
        [],
    ),
    # --- similar-tables
    (
        "similar-tables",
        {
            "1_a.sql": "create table notes (id uuid, owner_id uuid, body text, note_kind text, tags text[], "
            "score real, created_at timestamptz);",
            "2_b.sql": "create table user_notes (id uuid, owner_id uuid, body text, note_type text, tags "
            "text[], "
            "score_value numeric, created_at timestamptz);",
        },
        [("2_b.sql", 1, "public.user_notes")],
    ),
    (
        "similar-tables",
        {
            "1_a.sql": "create table orders (id uuid, customer_id uuid, total numeric, status text, "
            "created_at "
            "timestamptz);",
            "2_b.sql": "create table invoices (id uuid, customer_id uuid, pdf_url text, sent_at timestamptz, "
            "created_at timestamptz);",
        },
        [],
    ),
    # --- return-type-change
    (
        "return-type-change",
        {
            "1_a.sql": "create function g(a text) returns jsonb language sql as $$select '{}'::jsonb$$;",
            "2_b.sql": "create or replace function g(a text) returns text language sql as $$select ''$$;",
        },
        [("2_b.sql", 1, "public.g(text)")],
    ),
    (
        "return-type-change",
        {
            "1_a.sql": "create function g(a text) returns jsonb language sql as $$select '{}'::jsonb$$;",
            "2_b.sql": "drop function if exists g(text);\n"
            "create or replace function g(a text) returns text language sql as $$select ''$$;",
        },
        [],
    ),
    (
        "return-type-change",
        {
            "1_a.sql": "create function g() returns table(a int) language sql as $$select 1$$;",
            "2_b.sql": "create or replace function g() returns table(a int, b int) language sql as "
            "$$select 1, 2$$;",
        },
        [("2_b.sql", 1, "public.g()")],
    ),
    # --- conflicting-redefinition
    (
        "conflicting-redefinition",
        {
            "1_a.sql": "create or replace function g() returns int language sql stable as $$select 1$$;",
            "2_b.sql": "create or replace function g() returns int language sql immutable as $$select 1$$;",
        },
        [("2_b.sql", 1, "public.g()")],
    ),
    (
        "conflicting-redefinition",
        {
            "1_a.sql": "create or replace function g() returns int language sql as $$select 1$$;",
            "2_b.sql": "-- same\ncreate or replace function g() returns int language sql as $$ select   1 "
            "$$;",
        },
        [],
    ),
    (
        "conflicting-redefinition",
        {
            "1_a.sql": "create or replace view v as select 1 as a;",
            "2_b.sql": "create or replace view v as select 2 as a;",
        },
        [("2_b.sql", 1, "public.v")],
    ),
    # --- overload-ambiguity
    (
        "overload-ambiguity",
        {
            "1_a.sql": "create function e(t text) returns int language sql as $$select 1$$;",
            "2_b.sql": "create function e(t text, m text default 'x') returns int language sql as $$select "
            "1$$;",
        },
        [("2_b.sql", 1, "public.e(text, text)")],
    ),
    (
        "overload-ambiguity",
        {
            "1_a.sql": "create function e(t text) returns int language sql as $$select 1$$;",
            "2_b.sql": "create function e(t text, m text) returns int language sql as $$select 1$$;",
        },
        [],
    ),
    (
        "overload-ambiguity",
        {
            "1_a.sql": "create function e(t text) returns int language sql as $$select 1$$;",
            "2_b.sql": "drop function e(text);\n"
            "create function e(t text, m text default 'x') returns int language sql as $$select 1$$;",
        },
        [],
    ),
    # --- vector-dimension-conflict / dimensionless-vector-index
    (
        "vector-dimension-conflict",
        {
            "1_a.sql": "create table m (e vector(1536));",
            "2_b.sql": "alter table m alter column e type vector;",
        },
        [("2_b.sql", 1, "public.m.e")],
    ),
    (
        "vector-dimension-conflict",
        {
            "1_a.sql": "create table m (e vector(1536));",
            "2_b.sql": "alter table m alter column e type vector(1536);",
        },
        [],
    ),
    (
        "dimensionless-vector-index",
        {"1_a.sql": "create table m (e vector);\ncreate index mi on m using hnsw (e vector_cosine_ops);"},
        [("1_a.sql", 2, "public.mi")],
    ),
    (
        "dimensionless-vector-index",
        {"1_a.sql": "create table m (e vector(3));\ncreate index mi on m using hnsw (e vector_cosine_ops);"},
        [],
    ),
    (
        "dimensionless-vector-index",
        {
            "1_a.sql": "create table m (e vector, d int);\n"
            "create index mi on m using hnsw ((e::vector(3)) vector_cosine_ops) where d = 3;"
        },
        [],
    ),
    # --- use-before-create
    (
        "use-before-create",
        {"1_a.sql": "create table m (e vector(3));", "2_b.sql": "create extension if not exists vector;"},
        [("1_a.sql", 1, "public.vector")],
    ),
    (
        "use-before-create",
        {"1_a.sql": "create extension if not exists vector;", "2_b.sql": "create table m (e vector(3));"},
        [],
    ),
    (
        "use-before-create",
        {"1_a.sql": "create view v as select * from t;", "2_b.sql": "create table t (a int);"},
        [("1_a.sql", 1, "public.t")],
    ),
    (
        "use-before-create",
        {
            "1_a.sql": "create view v as with t as (select 1) select * from t;",
            "2_b.sql": "create table t (a int);",
        },
        [],
    ),
    (
        "use-before-create",
        {"1_a.sql": "create table x (s mood);", "2_b.sql": "create type mood as enum ('a');"},
        [("1_a.sql", 1, "public.mood")],
    ),
    (  # names found in upper case, in quotes, in non-ASCII files
        "use-before-create",
        {
            "1_a.sql": "-- 1ère version\nselect 1;\ncreate view v as select 2 as y FROM Public.T9;\n"
            'create view w as select * from "Täble";',
            "2_b.sql": 'create table t9 (a int);\ncreate table "Täble" (a int);',
        },
        [("1_a.sql", 3, "public.t9"), ("1_a.sql", 4, "public.Täble")],
    ),
    (
        "use-before-create",
        {"1_a.sql": "select 1;\ncreate view v as select * from T9;", "2_b.sql": "create table t9 (a int);"},
        [("1_a.sql", 2, "public.t9")],
    ),
    (  # a name only a quoted identifier can spell, in an ASCII file
        "use-before-create",
        {
            "1_a.sql": 'select 1;\ncreate view v as select * from "My ""T"" 2";',
            "2_b.sql": 'create table "My ""T"" 2" (a int);',
        },
        [("1_a.sql", 2, 'public.My "T" 2')],
    ),
    # --- variant-files
    (
        "variant-files",
        {
            "1_a.sql": "create or replace function p() returns int language sql as $$select 1$$;\n"
            "create or replace function q() returns int language sql as $$select 1$$;",
            "1_b.sql": "create or replace function p() returns int language sql as $$select 2$$;\n"
            "create or replace function q() returns int language sql as $$select 2$$;",
        },
        [("1_b.sql", 0, "1_a.sql")],
    ),
    (
        "variant-files",
        {
            "1_a.sql": "create policy p1 on t using (true);\ncreate policy p2 on t using (true);",
            "2_b.sql": "drop policy p1 on t;\ndrop policy p2 on t;\n"
            "create policy p1 on t using (false);\ncreate policy p2 on t using (false);",
        },
        [],
    ),
]


CASES += [
    # --- definer-executable-by-public
    (
        "definer-executable-by-public",
        {"1_a.sql": DEFINER, "2_b.sql": "revoke execute on function f(text) from anon, authenticated;"},
        [("2_b.sql", 1, "public.f(text)")],
    ),
    (
        "definer-executable-by-public",
        {
            "1_a.sql": DEFINER,
            "2_b.sql": "revoke execute on function f(text) from public, anon, authenticated;",
        },
        [],
    ),
    (
        "definer-executable-by-public",
        {"1_a.sql": DEFINER, "2_b.sql": "grant execute on all functions in schema public to anon;"},
        [("2_b.sql", 1, "public.f(text)")],
    ),
    (  # the GRANT runs before the function exists, so it does not cover it; PUBLIC's default EXECUTE,
        # never revoked, still lets anon call it (public is exposed: the files name anon)
        "definer-executable-by-public",
        {"1_a.sql": "grant execute on all functions in schema public to anon;", "2_b.sql": DEFINER},
        [("2_b.sql", 1, "public.f(text)")],
    ),
    (
        "definer-executable-by-public",
        {
            "1_a.sql": "alter default privileges in schema public grant all on functions to anon;",
            "2_b.sql": DEFINER,
        },
        [("1_a.sql", 1, "public.f(text)")],
    ),
    (  # ON ROUTINES: the model records it as default privileges on functions
        "definer-executable-by-public",
        {
            "1_a.sql": "alter default privileges in schema public grant execute on routines to anon;",
            "2_b.sql": DEFINER,
        },
        [("1_a.sql", 1, "public.f(text)")],
    ),
    (  # REVOKE GRANT OPTION FOR takes away only the grant option: anon and PUBLIC keep EXECUTE
        "definer-executable-by-public",
        {
            "1_a.sql": DEFINER + "grant execute on function f(text) to anon;",
            "2_b.sql": "revoke grant option for execute on function f(text) from anon;",
        },
        [("1_a.sql", 2, "public.f(text)")],
    ),
    (
        "definer-executable-by-public",
        {
            "1_a.sql": "alter default privileges in schema public grant all on functions to anon;\n"
            "alter default privileges in schema public revoke grant option for all on functions from anon;",
            "2_b.sql": DEFINER,
        },
        [("1_a.sql", 1, "public.f(text)")],
    ),
    # --- table-without-primary-key
    ("table-without-primary-key", {"1_a.sql": "create table t (a int);"}, [("1_a.sql", 1, "public.t")]),
    ("table-without-primary-key", {"1_a.sql": "create table t (a int primary key);"}, []),
    (
        "table-without-primary-key",
        {"1_a.sql": "create table t (a int);", "2_b.sql": "alter table t add primary key (a);"},
        [],
    ),
    # --- grant-to-anon
    (
        "grant-to-anon",
        {"1_a.sql": "grant all on all tables in schema public to anon, authenticated;"},
        [("1_a.sql", 1, "anon")],
    ),
    ("grant-to-anon", {"1_a.sql": "grant select on all tables in schema public to anon;"}, []),
    ("grant-to-anon", {"1_a.sql": "grant all on table t to authenticated;"}, []),
    (
        "grant-to-anon",
        {"1_a.sql": "alter default privileges in schema public grant insert on tables to public;"},
        [("1_a.sql", 1, "PUBLIC")],
    ),
]


CASES += [
    # --- missing-extension
    ("missing-extension", {"1_a.sql": "create table m (e vector(3));"}, [("1_a.sql", 1, "vector")]),
    (
        "missing-extension",
        {"1_a.sql": "create extension if not exists vector;", "2_b.sql": "create table m (e vector(3));"},
        [],
    ),
    (
        "missing-extension",
        {
            "1_a.sql": "create function w() returns trigger language plpgsql as $$ begin "
            "perform net.http_post(url := 'x'); return new; end $$;"
        },
        [("1_a.sql", 1, "pg_net")],
    ),
    ("missing-extension", {"1_a.sql": "create table t (id uuid default gen_random_uuid());"}, []),
    (
        "missing-extension",
        {"1_a.sql": "create table t (id uuid default uuid_generate_v4(), digest text);"},
        [("1_a.sql", 1, "uuid-ossp")],
    ),
]


@pytest.mark.parametrize(("rule", "files", "expected"), CASES)
def test_rule_cases(check, rule, files, expected):
    found = check(rule, files)
    got = sorted((f.location.file, f.location.line, f.objects[0] if f.objects else "") for f in found)
    assert got == sorted(expected)
    for f in found:
        assert f.message and f.help


def test_similar_tables_message_has_score_and_mapping(check):
    (f,) = check(
        "similar-tables",
        {
            "1_a.sql": "create table notes (id uuid, owner_id uuid, body text, note_kind text, tags text[]);",
            "2_b.sql": "create table user_notes (id uuid, owner_id uuid, body text, note_type text, tags "
            "text[]);",
        },
    )
    assert "%" in f.message and "note_kind→note_type" in f.message
    assert f.objects == ("public.user_notes", "public.notes")


def test_search_path_lost_by_replace_is_explained(check):
    files = {
        "1_a.sql": DEFINER,
        "2_b.sql": "alter function f(text) set search_path = public;",
        "3_c.sql": DEFINER,
    }
    (f,) = check("security-definer-search-path", files)
    assert "2_b.sql:1" in f.message and "lost" in f.message


def test_duplicate_create_with_if_not_exists_names_lost_columns(check):
    files = {"1_a.sql": "create table t (a int);", "2_b.sql": "create table if not exists t (a int, b text);"}
    (f,) = check("duplicate-create", files)
    assert f.severity is Severity.WARNING and "b" in f.message.split("only this definition has:")[1]


def test_rls_exposed_schemas_option(check):
    from pgconsolidate.config import Config

    files = {"1_a.sql": "create table api.t (id int primary key);"}
    assert check("rls-disabled", files) == []
    assert len(check("rls-disabled", files, Config(exposed_schemas=("public", "api")))) == 1
