"""A replay unit and a parsed statement name themselves in messages by the same first line."""

from __future__ import annotations

import pytest

from pgconsolidate.replay.units import Unit
from pgconsolidate.statements.model import first_line_of
from pgconsolidate.statements.split import split_sql


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\n\n   CREATE TABLE t (\n  id int\n);", "CREATE TABLE t ("),
        ("  SELECT 1  ", "SELECT 1"),
        ("\n \t\n", ""),
        ("", ""),
    ],
)
def test_first_line_of(text: str, expected: str) -> None:
    assert first_line_of(text) == expected


def test_unit_and_statement_agree() -> None:
    sql = "\n-- a comment\nCREATE TABLE t (\n  id int\n);\n"
    (statement,) = split_sql("a.sql", sql).statements
    unit = Unit(file="a.sql", line=1, text=statement.text, tree=None)
    assert unit.first_line == statement.first_line == first_line_of(statement.text)
    assert unit.first_line == "CREATE TABLE t ("
