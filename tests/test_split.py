from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pgconsolidate.statements.split import split_sql


def test_lines_columns_and_kinds():
    text = "-- header\nselect 'é'; -- c\n/* x */ select 2;\n\nCREATE TABLE t (a int);\n"
    result = split_sql("f.sql", text)
    assert [(s.line, s.column, s.kind) for s in result.statements] == [
        (2, 1, "SelectStmt"),
        (3, 9, "SelectStmt"),
        (5, 1, "CreateStmt"),
    ]
    assert result.statements[2].text == "CREATE TABLE t (a int)"
    assert result.failures == ()


def test_one_syntax_error_costs_one_statement():
    text = "select 1;\nselect from where;\nselect 3;\n"
    result = split_sql("f.sql", text)
    assert [s.line for s in result.statements] == [1, 3]
    (failure,) = result.failures
    assert (failure.line, failure.column) == (2, 13)
    assert "where" in failure.message


def test_unterminated_dollar_quote_keeps_earlier_statements():
    text = "create table a (x int);\ncreate function f() returns int as $$ begin\n"
    result = split_sql("f.sql", text)
    assert [s.kind for s in result.statements] == ["CreateStmt"]
    assert result.failures and "dollar" in result.failures[0].message
    assert result.failures[0].line == 2


def test_ignore_comments():
    text = "-- pgconsolidate: ignore non-idempotent, duplicate-create\ncreate table a (x int);\nselect 1;"
    result = split_sql("f.sql", text)
    assert result.statements[0].ignores == {"non-idempotent", "duplicate-create"}
    assert result.statements[1].ignores == frozenset()


def test_first_line_offset_for_up_sections():
    result = split_sql("f.sql", "select 1;", first_line=7)
    assert result.statements[0].line == 7


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_never_crashes_on_arbitrary_text(text):
    result = split_sql("fuzz.sql", text.replace("\x00", ""))
    for stmt in result.statements:
        assert 1 <= stmt.line <= stmt.end_line
        assert stmt.text == stmt.text.strip()


def test_ignore_comments_any_case_and_non_ascii_text():
    text = (
        "-- PgConsolidate: ignore non-idempotent\n"
        "create table a (x text default 'é');\n/* a */ -- b\nselect 1;"
    )
    result = split_sql("f.sql", text)
    assert result.statements[0].ignores == {"non-idempotent"}
    assert [(s.line, s.column) for s in result.statements] == [(2, 1), (4, 1)]
    assert result.statements[1].ignores == frozenset()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["select 1;", "\n", "  ", "-- c\n", "/* x /* y */ */", "select 'é';", "\t"])))
def test_lines_and_columns_match_the_text(pieces):
    text = "".join(pieces)
    for stmt in split_sql("f.sql", text).statements:
        before = text[: stmt.start]
        assert stmt.line == before.count("\n") + 1
        assert stmt.column == stmt.start - (before.rfind("\n") + 1) + 1
        assert stmt.end_line == text[: max(stmt.end - 1, stmt.start)].count("\n") + 1
        assert text[stmt.start : stmt.end] == stmt.text
