"""ok/bad cases of the rules that need only files and statements."""

from __future__ import annotations

import pytest

from pgconsolidate.rules.finding import Severity

# (rule, files, expected [(file, line, object)])
CASES = [
    # --- non-idempotent
    ("non-idempotent", {"1_a.sql": "create table t (a int);"}, [("1_a.sql", 1, "public.t")]),
    ("non-idempotent", {"1_a.sql": "create table if not exists t (a int);"}, []),
    ("non-idempotent", {"1_a.sql": "create index i on s.t (a);"}, [("1_a.sql", 1, "s.i")]),
    ("non-idempotent", {"1_a.sql": "create index if not exists i on t (a);"}, []),
    ("non-idempotent", {"1_a.sql": "create index on s.t (a, b);"}, [("1_a.sql", 1, "s.t_a_b_idx")]),
    # ALTER TABLE ... ADD: only columns count (a text prefilter skips constraints and IF NOT EXISTS)
    ("non-idempotent", {"1_a.sql": "alter table t add constraint c check (a > 0);"}, []),
    ("non-idempotent", {"1_a.sql": "alter table t add primary key (a), add unique (b);"}, []),
    ("non-idempotent", {"1_a.sql": "alter table t add column if not exists b int;"}, []),
    ("non-idempotent", {"1_a.sql": "alter table t ADD\n  IF NOT EXISTS b int;"}, []),
    ("non-idempotent", {"1_a.sql": "alter table t add b int;"}, [("1_a.sql", 1, "public.t.b")]),
    ("non-idempotent", {"1_a.sql": "alter table t add check_x int;"}, [("1_a.sql", 1, "public.t.check_x")]),
    (
        "non-idempotent",
        {"1_a.sql": "alter table t add constraint c check (a > 0),\n  add /* new */ column b int;"},
        [("1_a.sql", 1, "public.t.b")],
    ),
    (
        "non-idempotent",
        {"1_a.sql": "create function f(a int, b float) returns int language sql as $$select 1$$;"},
        [("1_a.sql", 1, "public.f(integer, double precision)")],
    ),
    (
        "non-idempotent",
        {"1_a.sql": "create or replace function f() returns int as 'select 1' language sql;"},
        [],
    ),
    (
        "non-idempotent",
        {"1_a.sql": "\n\ncreate trigger tr after insert on auth.users for each row execute function f();"},
        [("1_a.sql", 3, "auth.users.tr")],
    ),
    (
        "non-idempotent",
        {
            "1_a.sql": "drop trigger if exists tr on t;\n"
            "create trigger tr after insert on t for each row execute function f();"
        },
        [],
    ),
    (
        "non-idempotent",
        {"1_a.sql": "alter table t add column c vector(3);"},
        [("1_a.sql", 1, "public.t.c")],
    ),
    ("non-idempotent", {"1_a.sql": "alter table t add column if not exists c int;"}, []),
    ("non-idempotent", {"1_a.sql": "create view v as select 1;"}, [("1_a.sql", 1, "public.v")]),
    ("non-idempotent", {"1_a.sql": "create or replace view v as select 1;"}, []),
    ("non-idempotent", {"1_a.sql": "create extension vector;"}, [("1_a.sql", 1, "vector")]),
    ("non-idempotent", {"1_a.sql": "create schema if not exists api;"}, []),
    # --- drop-missing
    ("drop-missing", {"1_a.sql": "drop index i;"}, [("1_a.sql", 1, "public.i")]),
    ("drop-missing", {"1_a.sql": "drop index if exists i;"}, []),
    (
        "drop-missing",
        {"1_a.sql": 'drop policy "P one" on s.t;'},
        [("1_a.sql", 1, "s.t.P one")],
    ),
    ("drop-missing", {"1_a.sql": "drop policy if exists p on t;"}, []),
    (
        "drop-missing",
        {"1_a.sql": "drop function f(vector, float, int);"},
        [("1_a.sql", 1, "public.f(vector, double precision, integer)")],
    ),
    ("drop-missing", {"1_a.sql": "drop function if exists f(int);"}, []),
    (
        "drop-missing",
        {"1_a.sql": "alter table t drop column c;"},
        [("1_a.sql", 1, "public.t.c")],
    ),
    ("drop-missing", {"1_a.sql": "alter table t drop column if exists c;"}, []),
    # --- concurrently-in-transaction
    (
        "concurrently-in-transaction",
        {"20250101000000_a.sql": "create index concurrently i on t (a);"},
        [("20250101000000_a.sql", 1, "public.i")],
    ),
    ("concurrently-in-transaction", {"20250101000000_a.sql": "create index i on t (a);"}, []),
    (
        "concurrently-in-transaction",
        {
            "1_a.up.sql": "create table t (a int);\ncreate index concurrently i on t (a);",
            "1_a.down.sql": "drop index i;",
        },
        [("1_a.up.sql", 2, "public.i")],
    ),
    (  # golang-migrate sends a file as one query: a lone statement is in no transaction block
        "concurrently-in-transaction",
        {"1_a.up.sql": "create index concurrently i on t (a);", "1_a.down.sql": "drop index i;"},
        [],
    ),
    (
        "concurrently-in-transaction",
        {"001-a.sql": "begin;\ncreate index concurrently i on t (a);\ncommit;"},
        [("001-a.sql", 2, "public.i")],
    ),
    ("concurrently-in-transaction", {"001-a.sql": "create index concurrently i on t (a);"}, []),
    (
        "concurrently-in-transaction",
        {"1_a.sql": "-- +goose NO TRANSACTION\n-- +goose Up\ncreate index concurrently i on t (a);\n"},
        [],
    ),
    (  # sqlx's first-line directive: the file runs outside a transaction (replay reads it the same way)
        "concurrently-in-transaction",
        {"20250101000000_a.sql": "-- no-transaction\ncreate index concurrently i on t (a);\n"},
        [],
    ),
    (
        "concurrently-in-transaction",
        {
            "1_a.up.sql": "-- no-transaction\ncreate index concurrently i on t (a);",
            "1_a.down.sql": "drop index i;",
        },
        [],
    ),
    (  # not on the first line: sqlx does not read it
        "concurrently-in-transaction",
        {"20250101000000_a.sql": "select 1;\n-- no-transaction\ncreate index concurrently i on t (a);\n"},
        [("20250101000000_a.sql", 3, "public.i")],
    ),
    # --- parse-error
    ("parse-error", {"1_a.sql": "create table t (a int);"}, []),
    (
        "parse-error",
        {"1_a.sql": "create table t (a int);\n-- c\ncreate table u (\n a int\n b int);\nselect 1;"},
        [("1_a.sql", 3, "")],
    ),
    ("parse-error", {"1_a.sql": "select $$ unterminated"}, [("1_a.sql", 1, "")]),
    ("parse-error", {"1_a.sql": b"select 1;\nselect '\xff';"}, [("1_a.sql", 2, "")]),
    ("parse-error", {"1_a.sql": b"select 1;\x00"}, [("1_a.sql", 1, "")]),
    ("parse-error", {"1_a.sql": "  \n"}, [("1_a.sql", 1, "")]),
    # --- version-collision
    ("version-collision", {"1_a.sql": "select 1;", "2_b.sql": "select 1;"}, []),
    (
        "version-collision",
        {"1_a.sql": "select 1;", "1_b.sql": "select 1;", "2_c.sql": "select 1;"},
        [("1_a.sql", 0, "1"), ("1_b.sql", 0, "1")],
    ),
    # --- mixed-version-schemes
    ("mixed-version-schemes", {"001_a.sql": "select 1;", "002_b.sql": "select 1;"}, []),
    (
        "mixed-version-schemes",
        {"V1__a.sql": "select 1;", "V2__b.sql": "select 1;", "R__views.sql": "select 1;"},
        [],
    ),
    (
        "mixed-version-schemes",
        {
            "001_a.sql": "select 1;",
            "20250101_b.sql": "select 1;",
            "20250102_c.sql": "select 1;",
            "20250301101010_d.sql": "select 1;",
        },
        [("20250101_b.sql", 0, "date-only"), ("20250301101010_d.sql", 0, "timestamp")],
    ),
]


@pytest.mark.parametrize(("rule", "files", "expected"), CASES)
def test_rule_cases(check, rule, files, expected):
    found = check(rule, files)
    got = sorted((f.location.file, f.location.line, f.objects[0] if f.objects else "") for f in found)
    assert got == sorted(expected)
    for f in found:
        assert f.rule == rule and f.message and f.help


def test_parse_error_message_has_position(check):
    (f,) = check("parse-error", {"1_a.sql": "create table u (\n a int\n b int);"})
    assert f.location.line == 1
    assert "syntax error" in f.message and "line 3" in f.message


def test_encoding_error_reports_byte_offset(check):
    (f,) = check("parse-error", {"1_a.sql": b"select 1;\nselect '\xff';"})
    assert "byte offset 18" in f.message


def test_empty_file_is_a_warning(check):
    (f,) = check("parse-error", {"1_a.sql": ""})
    assert f.severity is Severity.WARNING


def test_ignore_comment_on_statement(check):
    files = {
        "1_a.sql": "-- pgconsolidate: ignore non-idempotent\ncreate table t (a int);\ncreate table u (a int);"
    }
    found = check("non-idempotent", files)
    assert [f.objects for f in found] == [("public.u",)]


def test_ignore_file_comment(check):
    files = {
        "1_a.sql": "-- pgconsolidate: ignore-file non-idempotent\ncreate table t (a int);\ncreate table u ();"
    }
    assert check("non-idempotent", files) == []


def test_ignore_star_silences_all(check):
    files = {"1_a.sql": "create table t (a int);\n-- pgconsolidate: ignore\ndrop table t;"}
    assert check("drop-missing", files) == []
    assert len(check("non-idempotent", files)) == 1


def test_drop_of_never_created_object_is_error(check):
    (f,) = check("drop-missing", {"1_a.sql": "drop table t;"})
    assert f.severity is Severity.ERROR
    (g,) = check("drop-missing", {"1_a.sql": "create table if not exists t (a int);\ndrop table t;"})
    assert g.severity is Severity.WARNING


def test_ignore_in_file_header_applies_to_the_whole_file(check):
    files = {
        "1_a.sql": "-- Author: x\n-- pgconsolidate: ignore non-idempotent -- seed file\n\n"
        "create table t (a int);\ncreate table u (a int);"
    }
    assert check("non-idempotent", files) == []


def test_ignore_right_before_first_statement_is_not_file_wide(check):
    files = {
        "1_a.sql": "-- pgconsolidate: ignore non-idempotent\ncreate table t (a int);\ncreate table u ();"
    }
    assert [f.objects for f in check("non-idempotent", files)] == [("public.u",)]
