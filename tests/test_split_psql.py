"""psql meta-commands (``\\restrict <key>`` from pg_dump 17.6+/18, ``\\set ON_ERROR_STOP on``, ``\\connect``,
``\\i``, ``\\echo``) in a migration: a parse failure of their own, with their line and the wording replay's
hint uses, and the SQL after them still read (psql ends a meta-command at the end of its line). Before, the
line and the statement it was glued to up to the next ';' were one parse error ``syntax error at or near
"\\"``, and that statement was lost (``\\restrict abc`` + ``CREATE TABLE t`` modelled no table t)."""

from __future__ import annotations

from pgconsolidate.replay.hints import hint_for
from pgconsolidate.statements.psql import blank, meta_command_hint, meta_command_lines
from pgconsolidate.statements.split import joined, split_sql, split_sql_pieces

DUMP = "\\restrict abc123\nCREATE TABLE t (id int primary key);\n\\unrestrict abc123\n"


def test_a_meta_command_is_its_own_failure_and_the_sql_after_it_is_read() -> None:
    fs = split_sql("f.sql", DUMP)
    assert [(s.line, s.kind, s.text) for s in fs.statements] == [
        (2, "CreateStmt", "CREATE TABLE t (id int primary key)")
    ]
    assert [(f.line, f.column, f.text) for f in fs.failures] == [
        (1, 1, "\\restrict abc123"),
        (3, 1, "\\unrestrict abc123"),
    ]
    assert fs.failures[0].message == meta_command_hint("\\restrict")
    assert fs.failures[1].message.startswith("psql meta-command \\unrestrict: only psql runs it")


def test_the_wording_is_replays() -> None:
    replay = hint_for("42601", 'syntax error at or near "\\"', statement="\\set ON_ERROR_STOP on")
    assert replay == meta_command_hint("\\set")
    assert split_sql("f", "\\set ON_ERROR_STOP on\nselect 1;").failures[0].message == replay


def test_other_syntax_errors_and_numbering_are_unchanged() -> None:
    text = "select 1;\n  \\connect app\nselec 2;\ncreate table a (x int);\n"
    fs = split_sql("f", text, first_line=5)
    assert [(s.index, s.line, s.text) for s in fs.statements] == [
        (0, 5, "select 1"),
        (1, 8, "create table a (x int)"),
    ]
    assert [(f.line, f.column, f.message[:21]) for f in fs.failures] == [
        (6, 3, "psql meta-command \\co"),
        (7, 1, "syntax error at or ne"),
    ]
    assert fs.failures[1].text == "selec 2"
    # a text without meta-commands splits as before
    plain = split_sql("f", "select 1;\nselec 2;\ncreate table a (x int);\n", first_line=5)
    assert [(f.line, f.text) for f in plain.failures] == [(6, "selec 2")]


def test_a_meta_command_inside_a_statement_leaves_the_statement_whole() -> None:
    fs = split_sql("f", "create table a (\n\\echo making a\n  id int\n);\n")
    assert [s.kind for s in fs.statements] == ["CreateStmt"]
    assert [f.line for f in fs.failures] == [2]


def test_backslashes_in_quotes_comments_bodies_and_copy_data_are_not_meta_commands() -> None:
    text = (
        "select 'x\n\\not a command';\n"  # 1-2
        "do $$ begin\n\\nor this\nend $$;\n"  # 3-5
        "/* a comment\n\\nor this */ select 1;\n"  # 6-7
        "copy a (x) from stdin;\n\\N\n\\.\n"  # 8-10: data
        "\\echo don't\n"  # 11: a quote in its arguments does not hide the next one
        "\\i other.sql\n"  # 12
        "select 2;\n"
    )
    assert [text[s:e] for s, e in meta_command_lines(text)] == ["\\echo don't", "\\i other.sql"]
    assert meta_command_lines("select E'a\\\\b';\n") == []
    assert meta_command_lines("select 1 \\gset\n") == []  # not at a line start


def test_blank_keeps_offsets_and_lines() -> None:
    text = "a\n\\x y\nb"
    out = blank(text, meta_command_lines(text))
    assert out == "a\n    \nb"
    assert len(out) == len(text)


def test_identical_meta_command_lines_each_report_their_own_line() -> None:
    fs = split_sql("f", "\\echo hi\nselect 1;\n\\echo hi\nselect 2;\n")
    assert [f.line for f in fs.failures] == [1, 3]
    assert [s.line for s in fs.statements] == [2, 4]


def test_a_large_dump_with_meta_commands_is_still_read_in_pieces() -> None:
    # pg_dump 17.6+ writes \restrict at the top: its pieces keep their ends (only meta-command failures),
    # instead of one piece running to the end of the file (706 MB for a 6.4 MB dump, now 205 MB)
    body = "".join(
        f"create table t{i} (id int primary key);\ninsert into t{i} values (1);\n" for i in range(30)
    )
    other = body.replace("create table t", "create table u")
    text = f"\\restrict k3y\n{body}\\echo half way\n{other}\\unrestrict k3y\n"
    whole = split_sql("f.sql", text, first_line=3)
    pieces = list(split_sql_pieces("f.sql", text, first_line=3, size=400))
    assert len(pieces) > 5
    assert joined("f.sql", text, pieces) == whole
    assert [f.line for f in whole.failures] == [3, 64, 125]
    assert len(whole.statements) == 120
