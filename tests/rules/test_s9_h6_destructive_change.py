"""ok/bad cases of ``destructive-change``: statements that delete data a table made by an earlier file may
hold. Each bad case is replayed on a real server with a row put in before the last file (the production
database): the value or row is gone afterwards, or the migration fails where the message says so. Each
ok case keeps the row."""

from __future__ import annotations

import psycopg
import pytest

from pgconsolidate.db.connect import connect
from pgconsolidate.report.analyze import analyze_directory

from .conftest import Check
from .helpers import EXAMPLE_MIGRATIONS

RULE = "destructive-change"
T = "create table t (id bigint primary key, a text, n bigint, x numeric(10,4), ts timestamptz);\n"
ROW = "insert into t values (1, 'a value longer than ten', 5000000000, 1.2345, '2024-01-01 10:00+00');\n"

#: (files (the last one is reported), object, piece of the message, severity, the row put in before the
#: last file, then what shows the loss: a query whose first value must be the one given, or a SQLSTATE
#: the last file fails with)
BAD = [
    (
        {"1_a.sql": T, "2_b.sql": "drop table t;\n"},
        "public.t",
        "DROP TABLE public.t deletes the table and every row it holds (5 columns: id bigint, a text",
        "info",
        ROW,
        ("select to_regclass('t') is null", True),
    ),
    (
        {"1_a.sql": T, "2_b.sql": "alter table t drop column a;\n"},
        "public.t.a",
        "DROP COLUMN public.t.a deletes the column and its value in every row (a text, added at 1_a.sql:1:1)",
        "info",
        ROW,
        ("select count(*) from information_schema.columns where column_name = 'a' and table_name = 't'", 0),
    ),
    (
        {"1_a.sql": T, "2_b.sql": "truncate t;\n"},
        "public.t",
        "TRUNCATE public.t deletes every row it holds",
        "warning",
        ROW,
        ("select count(*) from t", 0),
    ),
    (
        {"1_a.sql": T, "2_b.sql": "delete from t;\n"},
        "public.t",
        "DELETE FROM public.t without WHERE deletes every row",
        "warning",
        ROW,
        ("select count(*) from t", 0),
    ),
    (
        {"1_a.sql": T, "2_b.sql": "alter table t alter column a type varchar(10);\n"},
        "public.t.a",
        "TYPE character varying(10) (was text): longer values are refused (22001)",
        "warning",
        ROW,
        "22001",
    ),
    (
        {"1_a.sql": T, "2_b.sql": "alter table t alter column a type varchar(10) using left(a, 10);\n"},
        "public.t.a",
        "every value is rewritten by the USING expression, into a narrower type",
        "warning",
        ROW,
        ("select a from t", "a value lo"),
    ),
    (
        {"1_a.sql": T, "2_b.sql": "alter table t alter column n type integer;\n"},
        "public.t.n",
        "TYPE integer (was bigint): values out of its range are refused (22003)",
        "warning",
        ROW,
        "22003",
    ),
    (
        {"1_a.sql": T, "2_b.sql": "alter table t alter column x type numeric(10,2);\n"},
        "public.t.x",
        "digits after the point are rounded away",
        "warning",
        ROW,
        ("select x::text from t", "1.23"),
    ),
    (
        {"1_a.sql": T, "2_b.sql": "alter table t alter column ts type date;\n"},
        "public.t.ts",
        "the time of day is dropped",
        "warning",
        ROW,
        ("select ts::text from t", "2024-01-01"),
    ),
    (
        {"1_a.sql": T, "2_b.sql": "alter table t alter column a type integer using length(a);\n"},
        "public.t.a",
        "every value is rewritten by the USING expression",
        "warning",
        ROW,
        ("select a from t", 23),
    ),
    (
        {
            "1_a.sql": "create extension if not exists vector;\ncreate table e (id int, v vector(3));\n",
            "2_b.sql": "alter table e alter column v type vector(2);\n",
        },
        "public.e.v",
        "every value of the old dimension (3) is refused (22000)",
        "warning",
        "insert into e values (1, '[1,2,3]');\n",
        "22000",
    ),
    (
        {
            "1_a.sql": "create schema app;\ncreate table app.items (id int);\n"
            "create table app.tags (id int);\n",
            "2_b.sql": "drop schema app cascade;\n",
        },
        "app",
        "DROP SCHEMA app CASCADE deletes the 2 tables earlier files made in it, and every row: app.items, "
        "app.tags",
        "info",
        "insert into app.items values (1);\n",
        ("select to_regclass('app.items') is null", True),
    ),
    # renamed since it was made: still the same rows
    (
        {"1_a.sql": T, "2_b.sql": "alter table t rename to u;\n", "3_c.sql": "drop table u;\n"},
        "public.u",
        "DROP TABLE public.u deletes the table",
        "info",
        ROW.replace("into t", "into u"),
        ("select to_regclass('u') is null", True),
    ),
]

#: (files, the row put in before the last file, a query whose first value shows the data kept)
OK = [
    # made in the same file: nothing to lose
    ({"1_a.sql": T + "alter table t drop column a;\ndrop table t;\n"}, "", None),
    # DROP TABLE IF EXISTS of a table no file made
    ({"1_a.sql": "drop table if exists legacy_stuff;\n"}, "", None),
    # a DELETE with WHERE
    ({"1_a.sql": T, "2_b.sql": "delete from t where id < 0;\n"}, ROW, ("select count(*) from t", 1)),
    # a column this file added
    (
        {"1_a.sql": T, "2_b.sql": "alter table t add column b text;\nalter table t drop column b;\n"},
        ROW,
        None,
    ),
    # widening type changes, and a USING that only casts the column
    (
        {
            "1_a.sql": T,
            "2_b.sql": "alter table t alter column a type varchar;\n"
            "alter table t alter column n type numeric;\n"
            "alter table t alter column x type numeric(12,4);\n"
            "alter table t alter column a type text using a::text;\n",
        },
        ROW,
        ("select x::text from t", "1.2345"),
    ),
    # the rows are copied elsewhere first
    (
        {
            "1_a.sql": T,
            "2_b.sql": "create table t_archive as select * from t;\ndrop table t;\n",
        },
        ROW,
        ("select count(*) from t_archive", 1),
    ),
    # the column's values are copied into a new column first (a type change by copy)
    (
        {
            "1_a.sql": T,
            "2_b.sql": "alter table t add column n2 numeric;\nupdate t set n2 = n::numeric;\n"
            "alter table t drop column n;\nalter table t rename column n2 to n;\n",
        },
        ROW,
        ("select n::text from t", "5000000000"),
    ),
    # ... or into another table, by an earlier file (the column dropped once the data moved)
    (
        {
            "1_a.sql": T + ROW,
            "2_b.sql": "create table names (a text);\ninsert into names (a) select distinct a from t;\n",
            "3_c.sql": "alter table t drop column a;\n",
        },
        "",
        ("select a from names", "a value longer than ten"),
    ),
    # dropped and made again: table-recreated reports it
    ({"1_a.sql": T, "2_b.sql": "drop table t;\n" + T}, ROW, None),
]


@pytest.mark.parametrize(("files", "obj", "text", "severity", "row", "loss"), BAD)
def test_bad(
    check: Check, files: dict[str, str], obj: str, text: str, severity: str, row: str, loss: object
) -> None:
    found = check(RULE, files)
    assert [f.objects[0] for f in found] == [obj], [f.message for f in found]
    finding = found[0]
    assert text in finding.message, finding.message
    assert finding.severity == severity
    assert finding.location.file == sorted(files)[-1]
    assert "backup" in finding.help


@pytest.mark.parametrize(("files", "row", "kept"), OK)
def test_ok(check: Check, files: dict[str, str], row: str, kept: object) -> None:
    found = check(RULE, files)
    assert found == [], [f.message for f in found]


def _apply(conn: psycopg.Connection, schema: str, files: dict[str, str], row: str) -> None:
    conn.execute(f"create schema {schema}".encode())
    conn.execute(f"set search_path = {schema}, public".encode())
    names = sorted(files)
    for name in names:
        if name == names[-1] and row:
            conn.execute(row.encode())
        with conn.transaction():
            conn.execute(files[name].encode())


def test_bad_cases_lose_data_on_postgresql(scratch_db: str) -> None:
    """With a row in the table, each bad case loses it (or a part of it), or fails as the message says."""
    with connect(scratch_db, autocommit=True) as conn:
        for i, (files, _obj, _text, _severity, row, loss) in enumerate(BAD):
            if isinstance(loss, str):
                with pytest.raises(psycopg.Error) as err:
                    _apply(conn, f"bad{i}", files, row)
                assert err.value.sqlstate == loss, (files, err.value)
            else:
                _apply(conn, f"bad{i}", files, row)
                query, expected = loss  # type: ignore[misc]
                value = conn.execute(query.encode()).fetchone()
                assert value is not None and value[0] == expected, (files, value)
            conn.execute(b"reset search_path")
            conn.execute(b"drop schema if exists app cascade")


def test_ok_cases_keep_data_on_postgresql(scratch_db: str) -> None:
    with connect(scratch_db, autocommit=True) as conn:
        for i, (files, row, kept) in enumerate(OK):
            _apply(conn, f"ok{i}", files, row)
            if kept is not None:
                query, expected = kept  # type: ignore[misc]
                value = conn.execute(query.encode()).fetchone()
                assert value is not None and value[0] == expected, (files, value)
            conn.execute(b"reset search_path")


def test_example_has_none() -> None:
    """The example's type change widens (vector(1536) -> vector) and its DELETEs have WHERE clauses."""
    report = analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE])
    assert [f for f in report.findings if f.rule == RULE] == []
