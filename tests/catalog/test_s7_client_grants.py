"""Session 7's client-side shortcuts in the catalog reader give what the general code gives: the grants of
objects carrying an ACL (grouped by ACL straight from the objects) equal those made from
(object_kind, object, acl) rows, and a result's column names read from the result equal the cursor's
description."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

import psycopg
from hypothesis import given, settings
from hypothesis import strategies as st

from pgconsolidate.catalog.model import Function, Table
from pgconsolidate.catalog.reader import _acl_grants, _column_names, _grants, _maker
from pgconsolidate.db.connect import connection

_ACLS = [
    None,
    "{=X/me,me=X/me}",
    "{me=X/me}",
    '{me=X/me,anon=X*/me,"\\"odd name\\"=X/me"}',
    "{me=arwdDxtm/me,anon=r*/me}",
    "{me=arwdDxtm/me,=r/me,authenticated=arw/me}",
]
_FUNCTION_NAMES = ("identity", "prokind", "arguments", "result", "language", "volatility", "strict",
                   "security_definer", "leakproof", "parallel", "cost", "rows", "config", "body", "owner",
                   "comment", "_acl")  # fmt: skip
_TABLE_NAMES = ("identity", "relkind", "persistence", "rls_enabled", "rls_forced", "owner",
                "replica_identity", "access_method", "partition_key", "partition_of", "inherits", "options",
                "comment", "_acl")  # fmt: skip


def _function_row(i: int, prokind: str, acl: str | None) -> tuple[Any, ...]:
    return (f"s.f{i}(integer)", prokind, "a integer", None, "sql", "volatile", False, False, False,
            "unsafe", "100", "0", None, "SELECT 1", "me", None, acl)  # fmt: skip


def _table_row(i: int, acl: str | None) -> tuple[Any, ...]:
    return (f"s.t{i}", "r", "p", False, False, "me", "default", "heap", None, None, None, None, None, acl)


_IDENTITY = attrgetter("identity")


@settings(max_examples=60, deadline=None)
@given(
    functions=st.lists(
        st.tuples(st.sampled_from(["function", "procedure", "aggregate"]), st.sampled_from(_ACLS))
    ),
    tables=st.lists(st.sampled_from(_ACLS)),
)
def test_acl_grants_equal_grants_of_rows(
    functions: list[tuple[str, str | None]], tables: list[str | None]
) -> None:
    function_rows = [_function_row(i, prokind, acl) for i, (prokind, acl) in enumerate(functions)]
    table_rows = [_table_row(i, acl) for i, acl in enumerate(tables)]
    made_functions = _maker(Function, _FUNCTION_NAMES[:-1])(function_rows, None)
    made_tables = _maker(Table, _TABLE_NAMES[:-1])(table_rows, None)

    got = _acl_grants("functions", made_functions, function_rows) + _acl_grants(
        "tables", made_tables, [row[-1:] for row in table_rows]
    )

    rows = [
        ("procedure" if prokind == "procedure" else "function", f"s.f{i}(integer)", acl)
        for i, (prokind, acl) in enumerate(functions)
        if acl
    ] + [("table", f"s.t{i}", acl) for i, acl in enumerate(tables) if acl]
    expected = _grants(rows)
    assert sorted(got, key=_IDENTITY) == sorted(expected, key=_IDENTITY)
    assert len({g.identity for g in got}) == len(got)
    if any(acl for _, acl in functions):
        assert got  # something can fail: an ACL gives at least one grant


def test_column_names_equal_the_description(scratch_db: str) -> None:
    with connection(scratch_db) as conn, conn.pipeline():
        cur = conn.cursor(binary=True)
        cur.execute('SELECT 1 AS a, 2 AS "Mixed Case", 3 AS "naïve", 4 AS _oid, NULL::text[] AS "x""y"')
        cur.fetchall()
        assert _column_names(cur) == [d.name for d in cur.description or ()]
        assert _column_names(cur) == ["a", "Mixed Case", "naïve", "_oid", 'x"y']
        empty = conn.cursor(binary=True)
        empty.execute("SELECT 1 AS only WHERE false")
        assert empty.fetchall() == []
        assert _column_names(empty) == ["only"]


def test_column_names_without_a_result() -> None:
    class _NoResult:
        pgresult = None

    assert _column_names(_NoResult()) == []  # type: ignore[arg-type]
    assert psycopg.__version__  # the reader reads names through psycopg's pgresult API
