"""ok/bad cases of ``dangling-reference``: a function body names a table, column, sequence or function
that the chain dropped or renamed and that does not exist at the end. The bad cases are also applied
to a real PostgreSQL, where calling the function fails with the SQLSTATE the message names."""

from __future__ import annotations

import psycopg
import pytest

from pgconsolidate.db.connect import connect
from pgconsolidate.report.analyze import analyze_directory

from .conftest import Check
from .helpers import EXAMPLE_MIGRATIONS

RULE = "dangling-reference"
MEMORIES = "create table memories (id bigint primary key, content text, old_col text, user_id uuid);\n"
LOGS = "create table logs (id bigint primary key, msg text);\n"
RENAME = "alter table memories rename to ai_memories;\n"


def plpgsql(name: str, body: str, extra: str = "", args: str = "", returns: str = "bigint") -> str:
    return (
        f"create or replace function public.{name}({args}) returns {returns} language plpgsql {extra} as $$\n"
        f"{body}\n$$;\n"
    )


COUNT_MEMORIES = plpgsql("f", "begin return (select count(*) from memories); end;")

#: (files, the function a finding is on, the object it names, a piece of its message, SQLSTATE on call)
BAD = [
    # a table renamed after the function was made
    (
        {"1_a.sql": MEMORIES + COUNT_MEMORIES, "2_b.sql": RENAME},
        "public.f()",
        "public.memories",
        "reads table public.memories, which 2_b.sql:1:1 renamed to public.ai_memories: calling it fails "
        "with 42P01",
        "42P01",
    ),
    # ... or before it (the function is written against the old name)
    (
        {"1_a.sql": MEMORIES + RENAME, "2_b.sql": COUNT_MEMORIES},
        "public.f()",
        "public.memories",
        "renamed to public.ai_memories",
        "42P01",
    ),
    # a table dropped
    (
        {
            "1_a.sql": MEMORIES + LOGS,
            "2_b.sql": plpgsql("f", "begin insert into logs (id, msg) values (1, 'x'); return 1; end;"),
            "3_c.sql": "drop table logs;\n",
        },
        "public.f()",
        "public.logs",
        "writes to table public.logs, dropped at 3_c.sql:1:1",
        "42P01",
    ),
    # a view dropped
    (
        {
            "1_a.sql": MEMORIES + "create view recent as select * from memories;\n",
            "2_b.sql": plpgsql("f", "begin return (select count(*) from recent); end;"),
            "3_c.sql": "drop view recent;\n",
        },
        "public.f()",
        "public.recent",
        "reads view public.recent, dropped at 3_c.sql:1:1",
        "42P01",
    ),
    # a column renamed: bare name in a query on one table
    (
        {
            "1_a.sql": MEMORIES
            + plpgsql("f", "begin return (select count(*) from memories where old_col = 'x'); end;"),
            "2_b.sql": "alter table memories rename column old_col to legacy;\n",
        },
        "public.f()",
        "public.memories.old_col",
        "reads column public.memories.old_col, which 2_b.sql:1:1 renamed to public.memories.legacy",
        "42703",
    ),
    # a column dropped: qualified by an alias
    (
        {
            "1_a.sql": MEMORIES
            + plpgsql("f", "begin return (select count(m.old_col) from memories m); end;"),
            "2_b.sql": "alter table memories drop column old_col;\n",
        },
        "public.f()",
        "public.memories.old_col",
        "dropped at 2_b.sql:1:1",
        "42703",
    ),
    # a column dropped: set by an UPDATE (in a trigger function, which the message names)
    (
        {
            "1_a.sql": MEMORIES
            + LOGS
            + plpgsql(
                "touch",
                "begin update memories set old_col = new.msg where id = new.id; return new; end;",
                returns="trigger",
            )
            + "create trigger logs_touch after insert on logs for each row execute function touch();\n",
            "2_b.sql": "alter table memories drop column old_col;\n",
        },
        "public.touch()",
        "public.memories.old_col",
        "writes column public.memories.old_col, dropped at 2_b.sql:1:1: calling it fails with 42703 "
        "(column does not exist); trigger public.logs.logs_touch runs it",
        "42703",
    ),
    # a column renamed: named by an INSERT
    (
        {
            "1_a.sql": MEMORIES,
            "2_b.sql": plpgsql(
                "f", "begin insert into memories (id, old_col) values (1, 'x'); return 1; end;"
            ),
            "3_c.sql": "alter table memories rename column old_col to legacy;\n",
        },
        "public.f()",
        "public.memories.old_col",
        "writes column public.memories.old_col",
        "42703",
    ),
    # a SQL-language body (a string)
    (
        {
            "1_a.sql": MEMORIES
            + "create function public.s(p uuid) returns bigint language sql as "
            + "$$ select count(*) from memories m where m.user_id = p $$;\n",
            "2_b.sql": RENAME,
        },
        "public.s(uuid)",
        "public.memories",
        "public.s(uuid) reads table public.memories",
        "42P01",
    ),
    # another schema, through the function's own search_path
    (
        {
            "1_a.sql": "create schema app;\ncreate table app.items (id int);\n"
            + plpgsql("f", "begin return (select count(*) from items); end;", "set search_path = app"),
            "2_b.sql": "drop table app.items;\n",
        },
        "public.f()",
        "app.items",
        "reads table app.items, dropped at 2_b.sql:1:1",
        "42P01",
    ),
    # a function dropped
    (
        {
            "1_a.sql": "create function public.helper(x int) returns int language sql as $$ select x $$;\n"
            + plpgsql("f", "begin perform helper(1); return 1; end;"),
            "2_b.sql": "drop function helper(int);\n",
        },
        "public.f()",
        "public.helper",
        "calls function public.helper, dropped at 2_b.sql:1:1: calling it fails with 42883",
        "42883",
    ),
    # a function renamed
    (
        {
            "1_a.sql": "create function public.helper(x int) returns int language sql as $$ select x $$;\n"
            + plpgsql("f", "declare n int; begin n := helper(1); return n; end;"),
            "2_b.sql": "alter function helper(int) rename to helper2;\n",
        },
        "public.f()",
        "public.helper",
        "renamed to public.helper2",
        "42883",
    ),
    # a schema dropped with what it holds
    (
        {
            "1_a.sql": "create schema app;\ncreate table app.items (id int);\n"
            + plpgsql("f", "begin return (select count(*) from app.items); end;"),
            "2_b.sql": "drop schema app cascade;\n",
        },
        "public.f()",
        "app.items",
        "reads table app.items, dropped at 2_b.sql:1:1",
        "42P01",
    ),
    # a bare column in a subquery, where no table of the statement has it any more
    (
        {
            "1_a.sql": MEMORIES
            + LOGS
            + plpgsql(
                "f",
                "begin return (select count(*) from logs l where exists "
                "(select 1 from memories where memories.id = l.id and old_col = 'x')); end;",
            ),
            "2_b.sql": "alter table memories drop column old_col;\n",
        },
        "public.f()",
        "public.memories.old_col",
        "reads column public.memories.old_col",
        "42703",
    ),
    # a procedure renamed: CALL names it
    (
        {
            "1_a.sql": "create procedure public.p(x int) language sql as $$ select x $$;\n"
            + plpgsql("f", "begin call p(1); return 1; end;"),
            "2_b.sql": "alter procedure p(int) rename to p2;\n",
        },
        "public.f()",
        "public.p",
        "calls procedure public.p, which 2_b.sql:1:1 renamed to public.p2",
        "42883",
    ),
    # a column renamed: set by UPDATE ONLY
    (
        {
            "1_a.sql": MEMORIES
            + plpgsql("f", "begin update only memories set old_col = 'x' where id = 1; return 1; end;"),
            "2_b.sql": "alter table memories rename column old_col to legacy;\n",
        },
        "public.f()",
        "public.memories.old_col",
        "writes column public.memories.old_col",
        "42703",
    ),
    # a sequence dropped: nextval('name') names it (a regclass constant, not dynamic SQL)
    (
        {
            "1_a.sql": "create sequence legacy_seq;\n"
            + plpgsql("f", "begin return nextval('legacy_seq'); end;"),
            "2_b.sql": "drop sequence legacy_seq;\n",
        },
        "public.f()",
        "public.legacy_seq",
        "uses sequence public.legacy_seq",
        "42P01",
    ),
]

#: (files, statements that must succeed on a server after the chain: the functions work)
OK: list[tuple[dict[str, str], tuple[str, ...]]] = [
    # created again under the same name
    ({"1_a.sql": MEMORIES + COUNT_MEMORIES, "2_b.sql": "drop table memories;\n" + MEMORIES}, ("select f()",)),
    # ... or as another kind of relation
    (
        {
            "1_a.sql": MEMORIES + COUNT_MEMORIES,
            "2_b.sql": RENAME + "create view memories as select * from ai_memories;\n",
        },
        ("select f()",),
    ),
    # the body was updated to the new name
    (
        {
            "1_a.sql": MEMORIES + COUNT_MEMORIES,
            "2_b.sql": RENAME + COUNT_MEMORIES.replace("memories", "ai_memories"),
        },
        ("select f()",),
    ),
    # the function went too
    ({"1_a.sql": MEMORIES + COUNT_MEMORIES, "2_b.sql": RENAME + "drop function f();\n"}, ()),
    # a local variable, a CTE and an alias with the old name
    (
        {
            "1_a.sql": MEMORIES + LOGS,
            "2_b.sql": plpgsql(
                "f",
                "declare memories bigint; begin\n"
                "  with logs as (select 1 as x) select count(*) into memories from logs;\n"
                "  select count(memories.id) into memories from ai_memories memories;\n"
                "  return memories; end;",
            ),
            "3_c.sql": RENAME + "drop table logs;\n",
        },
        ("select f()",),
    ),
    # a parameter with the old column's name; a record's field; a column of the outer query
    (
        {
            "1_a.sql": MEMORIES + LOGS,
            "2_b.sql": plpgsql(
                "f",
                "begin return (select count(*) from memories where content = old_col); end;",
                args="old_col text",
            )
            + plpgsql("g", "declare r record; begin select 1 as old_col into r; return r.old_col; end;")
            + plpgsql(
                "h",
                "begin return (select count(*) from logs l where exists "
                "(select 1 from memories where memories.id = l.id and old_col = 'x')); end;",
            ),
            "3_c.sql": "alter table memories drop column old_col;\n"
            + "alter table logs add column old_col text;\n",
        },
        ("select f('x')", "select g()", "select h()"),
    ),
    # dynamic SQL and string literals are not read
    (
        {
            "1_a.sql": MEMORIES
            + plpgsql(
                "f",
                "declare n bigint; begin\n"
                "  execute format('select count(*) from %I', 'ai_memories') into n;\n"
                "  raise notice 'memories %', n;\n"
                "  if n > 0 then execute 'select count(*) from memories' into n; end if;\n"
                "  return n; end;",
            ),
            "2_b.sql": RENAME,
        },
        ("select f()",),
    ),
    # a temporary table the body creates itself
    (
        {
            "1_a.sql": LOGS
            + plpgsql(
                "f",
                "begin create temp table logs (id int); insert into logs values (1);\n"
                "  return (select count(*) from logs); end;",
            ),
            "2_b.sql": "drop table logs;\n",
        },
        ("select f()",),
    ),
    # a SQL-standard body: PostgreSQL records what it names (the DROP would fail, a RENAME follows)
    (
        {
            "1_a.sql": MEMORIES
            + "create function public.s() returns bigint language sql\n"
            + "begin atomic select count(*) from memories; end;\n",
            "2_b.sql": RENAME,
        },
        ("select s()",),
    ),
    # schema-qualified to an object that still exists; the search_path finds another one first
    (
        {
            "1_a.sql": "create schema app;\ncreate table app.memories (id int);\n" + MEMORIES,
            "2_b.sql": plpgsql("f", "begin return (select count(*) from app.memories); end;")
            + plpgsql(
                "g", "begin return (select count(*) from memories); end;", "set search_path = app, public"
            ),
            "3_c.sql": RENAME,
        },
        ("select f()", "select g()"),
    ),
    # a function made in the schema its file set the search_path to: that schema counts too
    (
        {
            "1_a.sql": "create schema app;\ncreate table app.items (id int);\ncreate table items (id int);\n",
            "2_b.sql": "set search_path = app;\n"
            + "create function count_items() returns bigint language sql\n"
            + "as $$ select count(*) from items $$;\n",
            "3_c.sql": "drop table public.items;\n",
        },
        ("set search_path = app", "select app.count_items()", "reset search_path"),
    ),
    # made again by a DO block's EXECUTE of a built string: the model cannot tell it is gone
    (
        {
            "1_a.sql": LOGS + plpgsql("f", "begin return (select count(*) from logs); end;"),
            "2_b.sql": "drop table logs;\n"
            + "do $$ begin execute format('create table %I (id int)', 'logs'); end $$;\n",
        },
        ("select f()",),
    ),
    # dropped by IF EXISTS but never made by the chain: nothing known about it
    (
        {
            "1_a.sql": plpgsql("f", "begin return (select count(*) from old_stuff); end;"),
            "2_b.sql": "drop table if exists old_stuff;\n",
        },
        (),
    ),
    # another overload of the dropped function is still there
    (
        {
            "1_a.sql": "create function public.helper(x int) returns int language sql as $$ select x $$;\n"
            "create function public.helper(x text) returns int language sql as $$ select 1 $$;\n"
            + plpgsql("f", "begin return helper(1); end;"),
            "2_b.sql": "drop function helper(text);\n",
        },
        ("select f()",),
    ),
    # a column re-added under the same name
    (
        {
            "1_a.sql": MEMORIES + plpgsql("f", "begin return (select count(old_col) from memories); end;"),
            "2_b.sql": "alter table memories drop column old_col;\n"
            + "alter table memories add column old_col int;\n",
        },
        ("select f()",),
    ),
]


@pytest.mark.parametrize(("files", "function", "gone", "text", "state"), BAD)
def test_bad(check: Check, files: dict[str, str], function: str, gone: str, text: str, state: str) -> None:
    found = check(RULE, files)
    assert [f.objects for f in found] == [(function, gone)], [f.message for f in found]
    finding = found[0]
    assert text in finding.message
    assert finding.severity == "warning"
    assert "CREATE OR REPLACE FUNCTION" in finding.help
    assert finding.related and finding.related[0] != finding.location


@pytest.mark.parametrize(("files", "calls"), OK)
def test_ok(check: Check, files: dict[str, str], calls: tuple[str, ...]) -> None:
    assert check(RULE, files) == []


def test_points_at_the_final_body(check: Check) -> None:
    """The finding is at the CREATE OR REPLACE whose body is in force, the RENAME is related."""
    files = {
        "1_a.sql": MEMORIES + plpgsql("f", "begin return 1; end;"),
        "2_b.sql": "\n\n" + COUNT_MEMORIES,
        "3_c.sql": RENAME,
    }
    (finding,) = check(RULE, files)
    assert (finding.location.file, finding.location.line) == ("2_b.sql", 3)
    assert [(r.file, r.line) for r in finding.related] == [("3_c.sql", 1)]


def test_silenced_by_ignore_comment(check: Check) -> None:
    files = {
        "1_a.sql": MEMORIES + "-- pgconsolidate: ignore dangling-reference\n" + COUNT_MEMORIES,
        "2_b.sql": RENAME,
    }
    assert check(RULE, files) == []


def test_bad_cases_fail_on_postgresql(scratch_db: str) -> None:
    """Each bad case applies on a real server, and calling the function then fails with the SQLSTATE the
    message names (each case in a transaction rolled back, so that they share one database)."""
    with connect(scratch_db, autocommit=True) as conn:
        for files, function, _gone, _text, state in BAD:
            with conn.transaction(force_rollback=True):
                for name in sorted(files):
                    conn.execute(files[name].encode())  # the chain applies
                with pytest.raises(psycopg.Error) as err, conn.transaction():
                    if function == "public.touch()":  # a trigger function: fire it
                        conn.execute(b"insert into logs values (1, 'x')")
                    else:
                        args = "(null)" if function.endswith("(uuid)") else "()"
                        conn.execute(f"select {function.split('(')[0]}{args}".encode())
            assert err.value.sqlstate == state, (function, err.value)


def test_ok_cases_work_on_postgresql(scratch_db: str) -> None:
    """The ok cases that call something do work on a real server (each in a transaction rolled back)."""
    with connect(scratch_db, autocommit=True) as conn:
        for files, calls in OK:
            with conn.transaction(force_rollback=True):
                for name in sorted(files):
                    conn.execute(files[name].encode())
                for call in calls:
                    conn.execute(call.encode())


def test_example_has_none() -> None:
    """The bundled example drops two functions, and no body still calls them."""
    report = analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE])
    assert [f for f in report.findings if f.rule == RULE] == []
