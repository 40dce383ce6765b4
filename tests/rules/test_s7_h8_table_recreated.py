"""ok/bad cases of ``table-recreated``: a table made by an earlier file is dropped and created again
(same name, or a new name with most of its columns) and nothing copies its rows over."""

from __future__ import annotations

import pytest

from pgconsolidate.report.analyze import analyze_directory

from .helpers import EXAMPLE_MIGRATIONS

RULE = "table-recreated"
FIRST = "create table notes (id bigint primary key, title text, body text, created_at timestamptz);\n"
TASKS = "create table tasks (id bigint primary key, title text, done boolean, owner uuid);\n"

CASES = [
    # --- bad: same name
    ({"1_a.sql": FIRST, "2_b.sql": "drop table notes;\n" + FIRST}, [("2_b.sql", 1, ("public.notes",))]),
    (
        {
            "1_a.sql": FIRST,
            "2_b.sql": "drop table if exists notes cascade;\n" + FIRST.replace("body", "text2"),
        },
        [("2_b.sql", 1, ("public.notes",))],
    ),
    # the re-create in a later file than the drop
    (
        {"1_a.sql": FIRST, "2_b.sql": "drop table notes;", "3_c.sql": FIRST},
        [("2_b.sql", 1, ("public.notes",))],
    ),
    # --- bad: a new name with most of the columns
    (
        {"1_a.sql": TASKS, "2_b.sql": "drop table tasks;\n" + TASKS.replace("tasks", "todo_items")},
        [("2_b.sql", 1, ("public.tasks", "public.todo_items"))],
    ),
    (
        {"1_a.sql": TASKS, "2_b.sql": TASKS.replace("tasks", "todo_items") + "drop table tasks;"},
        [("2_b.sql", 2, ("public.tasks", "public.todo_items"))],
    ),
    # --- ok
    # created and dropped in the same file: no row can predate the drop
    ({"1_a.sql": FIRST + "drop table notes;\n" + FIRST}, []),
    # the defensive "drop if exists; create" of the file that first creates it
    ({"1_a.sql": "drop table if exists notes;\n" + FIRST}, []),
    # dropped for good
    ({"1_a.sql": FIRST, "2_b.sql": "drop table notes;"}, []),
    # renamed, not dropped
    ({"1_a.sql": TASKS, "2_b.sql": "alter table tasks rename to todo_items;"}, []),
    # rows copied into the new table before the drop
    (
        {
            "1_a.sql": TASKS,
            "2_b.sql": TASKS.replace("tasks", "todo_items")
            + "insert into todo_items select * from tasks;\ndrop table tasks;",
        },
        [],
    ),
    ({"1_a.sql": TASKS, "2_b.sql": "create table todo_items as select * from tasks;\ndrop table tasks;"}, []),
    # same name: copied aside, then copied back after the re-create
    (
        {
            "1_a.sql": FIRST,
            "2_b.sql": "create table notes_old as select * from notes;\ndrop table notes;\n"
            + FIRST
            + "insert into notes (id, title, body) select id, title, body from notes_old;",
        },
        [],
    ),
    # a new table sharing only bookkeeping columns is not a replacement
    (
        {
            "1_a.sql": TASKS,
            "2_b.sql": "drop table tasks;\ncreate table invoices (id bigint primary key, amount numeric);",
        },
        [],
    ),
    # a drop inside a DO block (behind its own guard) is not judged
    ({"1_a.sql": FIRST, "2_b.sql": "do $$ begin drop table notes; end $$;\n" + FIRST}, []),
]


@pytest.mark.parametrize(("files", "expected"), CASES)
def test_cases(check, files, expected):
    found = check(RULE, files)
    assert [(f.location.file, f.location.line, f.objects) for f in found] == expected
    for f in found:
        assert f.message and f.help and f.related
        assert "nothing copies" in f.message


def test_message_names_the_shared_columns(check):
    (f,) = check(RULE, {"1_a.sql": TASKS, "2_b.sql": "drop table tasks;\n" + TASKS.replace("tasks", "todo")})
    assert "has 4 of its columns (id, title, done, owner)" in f.message
    assert [(r.file, r.line) for r in f.related] == [("2_b.sql", 2)]


def test_ignore_comment(check):
    files = {
        "1_a.sql": FIRST,
        "2_b.sql": "-- pgconsolidate: ignore table-recreated\ndrop table notes;\n" + FIRST,
    }
    assert check(RULE, files) == []


def test_example_has_none():
    assert analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE]).findings == ()
