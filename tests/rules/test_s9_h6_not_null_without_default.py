"""ok/bad cases of ``not-null-without-default``: a NOT NULL column added without a default, or SET NOT
NULL, on a table an earlier file made. Each bad case replays on a fresh database (the table is empty) and
fails with 23502 once the table has a row before the last file runs; each ok case runs with a row."""

from __future__ import annotations

import psycopg
import pytest

from pgconsolidate.db.connect import connect
from pgconsolidate.report.analyze import analyze_directory

from .conftest import Check
from .helpers import EXAMPLE_MIGRATIONS

RULE = "not-null-without-default"
T = "create table t (id bigint generated always as identity primary key, a text);\n"
ROW = "insert into t default values;\n"

#: (files (the last one is reported), the column, a piece of the message, a row put in before the last
#: file: the production database)
BAD = [
    (
        {"1_a.sql": T, "2_b.sql": "alter table t add column b text not null;\n"},
        "public.t.b",
        "ALTER TABLE public.t ADD COLUMN b text NOT NULL without a default fails (23502)",
        ROW,
    ),
    # DEFAULT NULL is no default
    (
        {"1_a.sql": T, "2_b.sql": "alter table t add column b integer not null default null;\n"},
        "public.t.b",
        "ADD COLUMN b integer NOT NULL",
        ROW,
    ),
    # a primary key column is NOT NULL
    (
        {"1_a.sql": "create table t (a text);\n", "2_b.sql": "alter table t add column k int primary key;\n"},
        "public.t.k",
        "ADD COLUMN k integer PRIMARY KEY without a default",
        ROW,
    ),
    # one of several subcommands
    (
        {"1_a.sql": T, "2_b.sql": "alter table t add column b text, add column c text not null;\n"},
        "public.t.c",
        "ADD COLUMN c text NOT NULL",
        ROW,
    ),
    # SET NOT NULL of a column the table had
    (
        {"1_a.sql": T, "2_b.sql": "alter table t alter column a set not null;\n"},
        "public.t.a",
        "ALTER COLUMN a SET NOT NULL fails (23502) wherever a row of the table has a NULL",
        ROW,
    ),
    # SET NOT NULL of a column added nullable in the same file
    (
        {
            "1_a.sql": T,
            "2_b.sql": "alter table t add column b text;\nalter table t alter column b set not null;\n",
        },
        "public.t.b",
        "SET NOT NULL",
        ROW,
    ),
    # the backfill comes after the SET NOT NULL
    (
        {
            "1_a.sql": T,
            "2_b.sql": "alter table t alter column a set not null;\nupdate t set a = '' where a is null;\n",
        },
        "public.t.a",
        "no UPDATE since the column was added fills it",
        ROW,
    ),
    # the backfill sets another column
    (
        {
            "1_a.sql": T + "alter table t add column b text;\n",
            "2_b.sql": "update t set b = 'x';\nalter table t alter column a set not null;\n",
        },
        "public.t.a",
        "SET NOT NULL",
        ROW,
    ),
    # the table was renamed since: still the same rows
    (
        {
            "1_a.sql": T,
            "2_b.sql": "alter table t rename to u;\n",
            "3_c.sql": "alter table u add column b text not null;\n",
        },
        "public.u.b",
        "public.u was created at 1_a.sql:1:1",
        "insert into u default values;\n",
    ),
    # made in the same file, but filled before the ALTER
    (
        {"1_a.sql": T + "insert into t (a) values ('x');\nalter table t add column b text not null;\n"},
        "public.t.b",
        "but 1_a.sql:2:1 inserts rows into it first",
        "",
    ),
]

BAD.append(
    # ADD PRIMARY KEY on a nullable column sets it NOT NULL
    (
        {"1_a.sql": "create table t (a text, b text);\n", "2_b.sql": "alter table t add primary key (a);\n"},
        "public.t.a",
        "ALTER TABLE public.t ADD PRIMARY KEY (a) makes a NOT NULL: it fails (23502)",
        ROW,
    )
)
BAD.append(
    # made in the same file from a query: it holds the query's rows
    (
        {
            "1_a.sql": "create table src (id int);\ninsert into src values (1);\n",
            "2_b.sql": "create table c as select id from src;\nalter table c add column b text not null;\n",
        },
        "public.c.b",
        "the table is created from a query at 2_b.sql:1:1, with the rows it returns",
        "",
    )
)

#: (files, a row put in before the last file: the chain passes with it)
OK = [
    # a default
    ({"1_a.sql": T, "2_b.sql": "alter table t add column b text not null default 'x';\n"}, ROW),
    # nullable
    ({"1_a.sql": T, "2_b.sql": "alter table t add column b text;\n"}, ROW),
    # identity, serial and generated columns fill themselves
    (
        {
            "1_a.sql": "create table t (a int);\n",
            "2_b.sql": "alter table t add column b bigint generated always as identity;\n"
            "alter table t add column c serial;\n"
            "alter table t add column d int not null generated always as (1) stored;\n",
        },
        ROW,
    ),
    # the table is made in the same file: empty
    (
        {
            "1_a.sql": T
            + "alter table t add column b text not null;\nalter table t alter column a set not null;\n"
        },
        "",
    ),
    # ... and the INSERT gives the column a value before SET NOT NULL
    ({"1_a.sql": T + "insert into t (a) values ('x');\nalter table t alter column a set not null;\n"}, ""),
    # the usual backfill: nullable, UPDATE, SET NOT NULL
    (
        {
            "1_a.sql": T,
            "2_b.sql": "alter table t add column b text;\nupdate t set b = 'x' where b is null;\n"
            "alter table t alter column b set not null;\n",
        },
        ROW,
    ),
    # added with a default in the same file: every row has it
    (
        {
            "1_a.sql": T,
            "2_b.sql": "alter table t add column b text default 'x';\n"
            "alter table t alter column b set not null;\n",
        },
        ROW,
    ),
    # already NOT NULL
    (
        {
            "1_a.sql": "create table t (a text not null default 'x');\n",
            "2_b.sql": "alter table t alter column a set not null;\n",
        },
        ROW,
    ),
    # a table no file made: not ours to judge (the chain made it outside; the replay would say)
    ({"1_a.sql": "alter table if exists outside add column b text not null;\n"}, ""),
    # in a DO block: it usually checks first
    (
        {
            "1_a.sql": T,
            "2_b.sql": "do $$ begin if not exists (select 1 from t where a is null) then\n"
            "alter table t alter column a set not null; end if; end $$;\n",
        },
        ROW,
    ),
    # ADD COLUMN IF NOT EXISTS of a column the table has
    (
        {
            "1_a.sql": T + "alter table t add column b text;\n",
            "2_b.sql": "alter table t add column if not exists b text not null;\n",
        },
        ROW,
    ),
]


OK.append(
    # ... not on a column that is NOT NULL already (identity), nor on a table this file made
    (
        {
            "1_a.sql": "create table u (id int generated always as identity, a text);\n"
            "create table t (id bigint, a text);\n",
            "2_b.sql": "alter table u add primary key (id);\n"
            "create table v (a text);\nalter table v add primary key (a);\n",
        },
        "insert into u (a) values ('x');\n",
    )
)


OK.extend(
    [
        # the backfill shipped in an earlier file (drizzle-kit writes one file per step; the row is there
        # before it)
        (
            {
                "1_a.sql": T + ROW,
                "2_b.sql": "alter table t add column b text;\nupdate t set b = 'x';\n",
                "3_c.sql": "alter table t alter column b set not null;\n",
            },
            "",
        ),
        # a default ever since the column was added: every row got it
        (
            {
                "1_a.sql": "create table t (id int, flag boolean default true);\n",
                "2_b.sql": "alter table t alter column flag set not null;\n",
            },
            "insert into t (id) values (1);\n",
        ),
    ]
)
BAD.append(
    # the default was dropped since: rows inserted after may hold NULL
    (
        {
            "1_a.sql": "create table t (id int, flag boolean default true);\n"
            "alter table t alter column flag drop default;\n",
            "2_b.sql": "alter table t alter column flag set not null;\n",
        },
        "public.t.flag",
        "SET NOT NULL",
        "insert into t (id) values (1);\n",
    )
)


@pytest.mark.parametrize(("files", "column", "text", "row"), BAD)
def test_bad(check: Check, files: dict[str, str], column: str, text: str, row: str) -> None:
    found = check(RULE, files)
    assert [f.objects for f in found] == [(column,)], [f.message for f in found]
    finding = found[0]
    assert text in finding.message, finding.message
    assert finding.severity == "warning"
    last = sorted(files)[-1]
    assert finding.location.file == last
    assert finding.related and finding.related[0].file in files  # the CREATE TABLE
    assert "SET NOT NULL" in finding.help


@pytest.mark.parametrize(("files", "row"), OK)
def test_ok(check: Check, files: dict[str, str], row: str) -> None:
    assert check(RULE, files) == [], [f.message for f in check(RULE, files)]


def _apply(conn: psycopg.Connection, schema: str, files: dict[str, str], row: str) -> None:
    """The chain in a schema of its own, each file in a transaction; ``row`` before the last file."""
    conn.execute(f"create schema {schema}".encode())
    conn.execute(f"set search_path = {schema}, public".encode())
    names = sorted(files)
    for name in names:
        if name == names[-1] and row:
            conn.execute(row.encode())
        with conn.transaction():
            conn.execute(files[name].encode())


def test_bad_cases_fail_on_postgresql(scratch_db: str) -> None:
    """Each bad case passes on a fresh database and fails (23502) once the table has a row (the case
    whose file fills the table itself fails on a fresh database too)."""
    with connect(scratch_db, autocommit=True) as conn:
        for i, (files, _column, _text, row) in enumerate(BAD):
            if row:
                _apply(conn, f"fresh{i}", files, "")  # a fresh replay: passes
            with pytest.raises(psycopg.Error) as err:
                _apply(conn, f"prod{i}", files, row)
            assert err.value.sqlstate == "23502", (files, err.value)
            conn.execute(b"reset search_path")


def test_ok_cases_work_on_postgresql(scratch_db: str) -> None:
    """The ok cases pass with a row in the table before the last file."""
    with connect(scratch_db, autocommit=True) as conn:
        conn.execute(b"create table public.outside (a int)")
        for i, (files, row) in enumerate(OK):
            _apply(conn, f"ok{i}", files, row)
            conn.execute(b"reset search_path")


def test_example_findings() -> None:
    """What the bundled example gets (see the report)."""
    report = analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE])
    found = [f for f in report.findings if f.rule == RULE]
    assert all(f.severity == "warning" for f in found)
