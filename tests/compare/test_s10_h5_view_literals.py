"""A view's definition is compared with its whitespace normalised, but never inside a string literal or a
quoted name (session 10, H5: CREATE OR REPLACE VIEW v AS SELECT 'in  progress' against 'in progress'
compared equivalent)."""

from __future__ import annotations

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog.normalize import normalize_definition
from pgconsolidate.compare import diff_snapshots
from pgconsolidate.db.connect import connection


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" SELECT a,\n    b\n   FROM t;", "SELECT a, b FROM t;"),
        ("SELECT 'in  progress'::text AS s", "SELECT 'in  progress'::text AS s"),
        ("SELECT 'a\n  b'::text,\n  x", "SELECT 'a\n  b'::text, x"),
        ("SELECT 'it''s  ok'::text,   1", "SELECT 'it''s  ok'::text, 1"),
        ('SELECT 1 AS "a  b",\n   2 AS "x""  y"', 'SELECT 1 AS "a  b", 2 AS "x""  y"'),
        ("SELECT 'a\\'   ,  'b'", "SELECT 'a\\' , 'b'"),  # a backslash is an ordinary character
    ],
)
def test_whitespace_is_normalised_outside_quotes_only(text: str, expected: str) -> None:
    assert normalize_definition(text) == expected


VIEW = "CREATE OR REPLACE VIEW public.v AS SELECT '{}'::text AS status, 1 AS \"a  b\""


def test_a_changed_literal_in_a_view_is_a_difference(scratch_db: str) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(VIEW.format("in  progress").encode())
    before = read_snapshot(scratch_db)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(VIEW.format("in progress").encode())
    result = diff_snapshots(before, read_snapshot(scratch_db))
    changed = [(d.identity, [c.name for c in d.changes]) for d in result.differences]
    assert changed == [("public.v", ["definition"])]
    # the same view written with other spacing outside its literals is the same view
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(VIEW.format("in  progress").replace(" AS ", "\n   AS  ").encode())
    assert diff_snapshots(before, read_snapshot(scratch_db)).equivalent
