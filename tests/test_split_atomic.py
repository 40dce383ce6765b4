"""A file with a parse error is split statement by statement (the scanner's cuts); a SQL-standard function
body (BEGIN ATOMIC ...; ...; END) that the scanner cuts at its semicolons is still one statement there, so
the only parse error is the real one."""

from __future__ import annotations

from pgconsolidate.statements.split import split_sql

TEXT = (
    "create table t (id int);\n"
    "create function f(x int) returns int language sql\n"
    "begin atomic\n"
    "  select case when x > 0 then 1 else 2 end;\n"
    "  select x + 2;\n"
    "end;\n"
    "selec 1;\n"  # the real error, line 7
    "create procedure p() language sql begin atomic insert into t values (1); insert into t values (2);"
    " end;\n"
)


def test_atomic_bodies_stay_whole_next_to_a_parse_error() -> None:
    fs = split_sql("f.sql", TEXT)
    assert [(f.line, f.message) for f in fs.failures] == [(7, 'syntax error at or near "selec"')]
    assert [st.kind for st in fs.statements] == ["CreateStmt", "CreateFunctionStmt", "CreateFunctionStmt"]
    assert [st.line for st in fs.statements] == [1, 2, 8]
    assert fs.statements[1].text.endswith("end")


def test_without_a_parse_error_the_parser_reads_them_alike() -> None:
    fs = split_sql("f.sql", TEXT.replace("selec 1", "select 1"))
    assert fs.failures == ()
    assert [st.kind for st in fs.statements] == [
        "CreateStmt",
        "CreateFunctionStmt",
        "SelectStmt",
        "CreateFunctionStmt",
    ]
