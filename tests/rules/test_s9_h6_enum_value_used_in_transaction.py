"""ok/bad cases of ``enum-value-used-in-transaction``: ``ALTER TYPE e ADD VALUE 'x'`` and a use of ``'x'``
as a value of ``e`` in the same transaction. Each case is replayed on a real server the way its tool runs
it (a file in one transaction, or statement by statement): every bad case fails with 55P04, every ok case
passes."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.db.connect import connect
from pgconsolidate.replay import replay_dir
from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.statements.split import split_sql

from .conftest import Check
from .helpers import EXAMPLE_MIGRATIONS, write_dir

RULE = "enum-value-used-in-transaction"
BASE = "create type mood as enum ('happy', 'sad');\ncreate table t (id int, m mood);\n"
ADD = "alter type mood add value 'meh';\n"
A, B, C = "20240101000000_a.sql", "20240102000000_b.sql", "20240103000000_c.sql"
GOOSE_NO_TX = "-- +goose NO TRANSACTION\n-- +goose Up\n"

#: (files, a piece of the message, the file and line reported)
BAD = [
    ({A: BASE, B: ADD + "insert into t (id, m) values (1, 'meh');\n"}, "(inserted into column m)", (B, 2)),
    ({A: BASE, B: ADD + "update t set m = 'meh' where id = 1;\n"}, "(set into column m)", (B, 2)),
    ({A: BASE, B: ADD + "select 'meh'::mood;\n"}, "(cast to the type)", (B, 2)),
    ({A: BASE, B: ADD + "select cast('meh' as mood);\n"}, "(cast to the type)", (B, 2)),
    ({A: BASE, B: ADD + "delete from t where m in ('sad', 'meh');\n"}, "(compared with column m)", (B, 2)),
    (
        {A: BASE, B: ADD + "create index t_meh on t (id) where m = 'meh';\n"},
        "(compared with column m)",
        (B, 2),
    ),
    ({A: BASE, B: ADD + "alter table t add constraint no_meh check (m <> 'meh');\n"}, "column m", (B, 2)),
    (
        {
            A: BASE,
            B: ADD + "alter table t enable row level security;\ncreate policy p on t using (m = 'meh');\n",
        },
        "(compared with column m)",
        (B, 3),
    ),
    (
        {A: BASE, B: ADD + "alter table t add column m2 mood default 'meh';\n"},
        "(the default of column m2)",
        (B, 2),
    ),
    (
        {A: BASE, B: ADD + "alter table t alter column m set default 'meh';\n"},
        "(the default of column m)",
        (B, 2),
    ),
    (
        {A: BASE, B: ADD + "create table u (id int, m mood not null default 'meh');\n"},
        "(the default of column m)",
        (B, 2),
    ),
    (
        {A: BASE, B: ADD + "create function f() returns mood language sql as $$ select 'meh'::mood $$;\n"},
        "(cast to the type, in a LANGUAGE sql body)",
        (B, 2),
    ),
    # the type was made by an earlier transaction of the same file (BEGIN ... COMMIT)
    (
        {
            "001_a.sql": GOOSE_NO_TX
            + BASE
            + "begin;\n"
            + ADD
            + "insert into t values (1, 'meh');\ncommit;\n",
        },
        "(inside BEGIN ... COMMIT)",
        ("001_a.sql", 7),
    ),
    # a column of the type in a table of another schema, the enum qualified
    (
        {
            A: "create schema app;\ncreate type app.state as enum ('on');\n"
            "create table app.items (id int, s app.state);\n",
            B: "alter type app.state add value 'off';\nupdate app.items set s = 'off';\n",
        },
        "enum app.state (set into column s)",
        (B, 2),
    ),
    # a DO block runs now, in the transaction: an INSERT in it, an EXECUTE of a string, a condition
    (
        {A: BASE, B: ADD + "do $$ begin insert into t values (1, 'meh'); end $$;\n"},
        "(inserted into column m, in the DO block)",
        (B, 2),
    ),
    (
        {A: BASE, B: ADD + "do $$ begin execute 'update t set m = ''meh'''; end $$;\n"},
        "(set into column m, in the DO block)",
        (B, 2),
    ),
    (
        {
            A: BASE,
            B: ADD + "do $$ begin if exists (select 1 from t where m = 'meh') then null; end if; end $$;\n",
        },
        "(compared with column m, in the DO block)",
        (B, 2),
    ),
    # a cast to the qualified name
    (
        {
            A: "create schema app2;\ncreate type app2.state as enum ('on');\n",
            B: "alter type app2.state add value 'off';\nselect 'off'::app2.state;\n",
        },
        "enum app2.state (cast to the type)",
        (B, 2),
    ),
    # a file run without a transaction, but inside BEGIN ... COMMIT
    (
        {
            "001_a.sql": "-- +goose Up\n" + BASE,
            "002_b.sql": GOOSE_NO_TX + "begin;\n" + ADD + "select 'meh'::mood;\ncommit;\n",
        },
        "(inside BEGIN ... COMMIT)",
        ("002_b.sql", 5),
    ),
]

#: (files, whether the tool runs each file in a transaction)
OK = [
    # the use is in the next file: committed by then
    ({A: BASE, B: ADD, C: "insert into t values (1, 'meh');\n"}, True),
    # another value of the type, or the text 'meh'
    ({A: BASE, B: ADD + "insert into t values (1, 'sad');\nselect 'meh'::text;\n"}, True),
    # ... compared with a column of another type
    (
        {A: BASE + "create table l (id int, label text);\n", B: ADD + "delete from l where label = 'meh';\n"},
        True,
    ),
    # IF NOT EXISTS of a value the type has: nothing added
    (
        {A: BASE, B: "alter type mood add value if not exists 'sad';\ninsert into t values (1, 'sad');\n"},
        True,
    ),
    # a PL/pgSQL body runs later
    (
        {
            A: BASE,
            B: ADD
            + "create function f() returns mood language plpgsql as $$ begin return 'meh'::mood; end $$;\n",
        },
        True,
    ),
    # the type is made in the same transaction: its values are usable at once
    ({A: BASE + ADD + "insert into t values (1, 'meh');\n"}, True),
    # a DO block that checks pg_enum (text, not the type) before adding, and again after
    (
        {
            A: BASE,
            B: "do $$ begin if not exists (select 1 from pg_enum where enumlabel = 'meh') then\n"
            "alter type mood add value 'meh'; end if; end $$;\n"
            "do $$ begin perform 1 from pg_enum where enumlabel = 'meh'; end $$;\n",
        },
        True,
    ),
    # the use comes before the ADD VALUE
    ({A: BASE, B: "select 'sad'::mood;\n" + ADD}, True),
    # goose without a transaction: each statement commits at once
    ({"001_a.sql": "-- +goose Up\n" + BASE, "002_b.sql": GOOSE_NO_TX + ADD + "select 'meh'::mood;\n"}, False),
    # ... and after COMMIT
    (
        {
            "001_a.sql": "-- +goose Up\n" + BASE,
            "002_b.sql": GOOSE_NO_TX + "begin;\n" + ADD + "commit;\nselect 'meh'::mood;\n",
        },
        False,
    ),
]


@pytest.mark.parametrize(("files", "text", "where"), BAD)
def test_bad(check: Check, files: dict[str, str], text: str, where: tuple[str, int]) -> None:
    found = check(RULE, files)
    assert len(found) == 1, [f.message for f in found]
    finding = found[0]
    assert text in finding.message, finding.message
    assert "55P04" in finding.message
    assert (finding.location.file, finding.location.line) == where
    assert finding.severity == "error"
    assert finding.related and "ADD VALUE" in finding.help
    # the related location is the ADD VALUE
    add = finding.related[0]
    assert "add value" in files[add.file].splitlines()[add.line - 1]


@pytest.mark.parametrize(("files", "wrapped"), OK)
def test_ok(check: Check, files: dict[str, str], wrapped: bool) -> None:
    found = check(RULE, files)
    assert found == [], [f.message for f in found]


def test_drizzle_runs_pending_files_in_one_transaction(check: Check) -> None:
    """drizzle-kit applies every pending file in one transaction: a use in the next file counts."""
    journal = {
        "version": "7",
        "dialect": "postgresql",
        "entries": [
            {"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
            for i, tag in enumerate(["0000_base", "0001_add", "0002_use"])
        ],
    }
    files = {
        "meta/_journal.json": json.dumps(journal),
        "0000_base.sql": BASE,
        "0001_add.sql": ADD,
        "0002_use.sql": "insert into t values (1, 'meh');\n",
    }
    (finding,) = check(RULE, files)
    assert finding.location.file == "0002_use.sql"
    assert "drizzle-kit applies the pending files in one transaction" in finding.message


def _run(conn: psycopg.Connection, schema: str, files: dict[str, str], wrapped: bool) -> None:
    """Apply ``files`` in a schema of their own: each file in one transaction, or each statement on its
    own (BEGIN ... COMMIT in the file then hold)."""
    conn.execute(f"create schema {schema}".encode())
    conn.execute(f"set search_path = {schema}, public".encode())
    for name in sorted(files):
        text = files[name]
        if wrapped:
            with conn.transaction():
                conn.execute(text.encode())
        else:
            for st in split_sql(name, text).statements:
                conn.execute(st.text.encode())


def test_bad_cases_fail_on_postgresql(scratch_db: str) -> None:
    """Each bad case fails with 55P04 where its tool runs it."""
    with connect(scratch_db, autocommit=True) as conn:
        for i, (files, _text, _where) in enumerate(BAD):
            wrapped = not any("NO TRANSACTION" in t for t in files.values())
            with pytest.raises(psycopg.Error) as err:
                _run(conn, f"bad{i}", files, wrapped)
            assert err.value.sqlstate == "55P04", (files, err.value)
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                conn.execute(b"rollback")
            conn.execute(b"reset search_path")


def test_ok_cases_work_on_postgresql(scratch_db: str) -> None:
    """Each ok case applies where its tool runs it."""
    with connect(scratch_db, autocommit=True) as conn:
        for i, (files, wrapped) in enumerate(OK):
            _run(conn, f"ok{i}", files, wrapped)
            conn.execute(b"reset search_path")


def test_example_has_none() -> None:
    report = analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE])
    assert [f for f in report.findings if f.rule == RULE] == []


def test_replay_agrees(scratch_server: ScratchServer, tmp_path: Path) -> None:
    """``pgconsolidate replay`` runs cases as their tool would (a file in a transaction; a goose file
    without one, with and without BEGIN ... COMMIT): it fails with 55P04 at the statement the finding
    points at for the bad ones and applies the ok one. (The psycopg tests above run every case the
    same way in one database; a replay costs a database each.)"""
    bad = [BAD[0], next(case for case in BAD if "BEGIN" in case[1])]
    ok = [next(case for case in OK if not case[1])]
    for i, (files, _text, (file, line)) in enumerate(bad):
        root = write_dir(tmp_path / f"bad{i}", dict(files))
        result = replay_dir(read_dir(str(root)), scratch_server, supabase=False)
        assert [(f.file, f.line, f.sqlstate) for f in result.failures][:1] == [(file, line, "55P04")], files
    for i, (files, _wrapped) in enumerate(ok):
        root = write_dir(tmp_path / f"ok{i}", dict(files))
        result = replay_dir(read_dir(str(root)), scratch_server, supabase=False)
        assert result.ok, (files, result.failures)
