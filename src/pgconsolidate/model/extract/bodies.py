"""SQL that lives inside other SQL: routine bodies (PL/pgSQL and SQL), DO blocks and ``SET`` values,
and the references found in them without loading their JSON trees."""

from __future__ import annotations

import re
from typing import Any

import orjson
from pglast import parser

from pgconsolidate.model.deparse import to_sql
from pgconsolidate.model.extract.common import (
    _STR,
    FileContext,
    _json_refs,
    _unescape,
)
from pgconsolidate.model.names import const_text
from pgconsolidate.model.types import (
    Action,
    ObjectKind,
    members,
)
from pgconsolidate.statements.model import Statement

#: The members as plain class attributes (``types.members``: reading them off the Enum classes is slow).
K = members(ObjectKind)
A = members(Action)


def _set_value(vs: dict[str, Any]) -> str:
    """The value of a ``SET name = a, b`` as PostgreSQL stores it in proconfig (``public, pg_temp``)."""
    vals = []
    for a in vs.get("args", ()) or ():
        v = const_text(a)
        if v is None:
            v = to_sql(a)
        vals.append('""' if v == "" else v)
    return ", ".join(vals)


def _walk_plpgsql(node: Any, queries: list[tuple[str, int, bool]], dyn: list[str], depth: int = 0) -> None:
    """Collect (query, parse mode, conditional) of PLpgSQL_expr nodes and EXECUTE'd expressions."""
    stack: list[tuple[Any, bool]] = [(node, False)]
    while stack:
        cur, cond = stack.pop()
        if isinstance(cur, dict):
            for key, val in cur.items():
                if key == "PLpgSQL_expr" and isinstance(val, dict):
                    queries.append((val.get("query", ""), int(val.get("parseMode", 0)), cond))
                    continue
                if key == "PLpgSQL_stmt_dynexecute" and isinstance(val, dict):
                    q = (val.get("query") or {}).get("PLpgSQL_expr", {}).get("query", "")
                    dyn.append(q)
                    continue
                if isinstance(val, (dict, list)):
                    stack.append((val, cond or key in ("PLpgSQL_stmt_if", "PLpgSQL_stmt_case")))
        elif isinstance(cur, list):
            stack.extend((x, cond) for x in cur)


def _as_sql(query: str, mode: int) -> str:
    if mode == 0:
        return query
    if mode == 3:  # "x := expr" assignment
        _, _, expr = query.partition(":=")
        return "SELECT " + (expr or query)
    return "SELECT " + query


def _plpgsql_parse(text: str) -> Any:
    try:
        return orjson.loads(parser.parse_plpgsql_json(text))
    except Exception:
        return None


def _parse_many(sqls: list[str]) -> list[Any]:
    """Parse several SQL snippets (one call when they all parse, else one by one, skipping failures)."""
    if not sqls:
        return []
    try:
        return [orjson.loads(parser.parse_sql_json(";\n".join(sqls)))]
    except Exception:
        out = []
        for s in sqls:
            try:
                out.append(orjson.loads(parser.parse_sql_json(s)))
            except Exception:
                continue
        return out


_PLPGSQL_EXPR_JSON = re.compile(r'"PLpgSQL_expr":\{"query":' + _STR + r',"parseMode":(\d+)')


def _sql_refs(sqls: list[str], ctx: FileContext) -> set[str]:
    """References of several SQL snippets (one parse when they all parse, else one by one)."""
    out: set[str] = set()
    if not sqls:
        return out
    try:
        _json_refs(parser.parse_sql_json(";\n".join(sqls)), ctx, out, writes=True)
    except Exception:
        for one in sqls:
            try:
                _json_refs(parser.parse_sql_json(one), ctx, out, writes=True)
            except Exception:
                continue
    return out


def _plpgsql_uses(stmt_text: str, ctx: FileContext) -> tuple[tuple[str, ...], bool]:
    """Objects referenced by the PL/pgSQL body of a CREATE FUNCTION statement, and whether it EXECUTEs."""
    try:
        tree_json = parser.parse_plpgsql_json(stmt_text)
    except Exception:
        return (), False
    queries = [_as_sql(_unescape(q), int(m)) for q, m in _PLPGSQL_EXPR_JSON.findall(tree_json) if q]
    return tuple(sorted(_sql_refs(queries, ctx))), "PLpgSQL_stmt_dynexecute" in tree_json


def _sql_body_uses(body: str, ctx: FileContext) -> tuple[str, ...]:
    return tuple(sorted(_sql_refs([body], ctx)))


def plpgsql_refs(stmt: Statement | str, schema: str) -> tuple[tuple[str, ...], bool]:
    """:class:`~pgconsolidate.model.types.RoutineRefs` of a PL/pgSQL routine: the references of the body
    of CREATE FUNCTION ``stmt`` (a statement or its text; unqualified names resolving to ``schema``),
    whether it EXECUTEs. Given the statement, its text is read only now (the analysis driver ships
    statements between processes without their text and restores it on arrival)."""
    text = stmt if isinstance(stmt, str) else stmt.text
    return _plpgsql_uses(text, FileContext("", [schema], schema))


def sql_body_refs(body: str, schema: str) -> tuple[tuple[str, ...], bool]:
    """:class:`~pgconsolidate.model.types.RoutineRefs` of a SQL routine whose body is the string ``body``."""
    return _sql_body_uses(body, FileContext("", [schema], schema)), False


def _string_literal(expr: str) -> str | None:
    """The value of an expression that is a plain string literal (``'...'`` or ``$x$...$x$``)."""
    try:
        tree = orjson.loads(parser.parse_sql_json("SELECT " + expr))
        target = tree["stmts"][0]["stmt"]["SelectStmt"]["targetList"]
        if len(target) != 1:
            return None
        val = target[0]["ResTarget"]["val"]
        if "A_Const" in val and "sval" in val["A_Const"]:
            return str(val["A_Const"]["sval"].get("sval", ""))
    except Exception:
        return None
    return None


def _do_block_sql(stmt_text: str) -> tuple[list[str], list[str], bool]:
    """(embedded DDL statements, EXECUTE'd string literals, whether some EXECUTE is built at run time)."""
    tree = _plpgsql_parse(stmt_text)
    if tree is None:
        return [], [], True
    queries: list[tuple[str, int, bool]] = []
    dyn: list[str] = []
    _walk_plpgsql(tree, queries, dyn)
    embedded = [q for q, m, _ in queries if m == 0 and q and q.lstrip()[:6].lower() != "select"]
    executed = []
    opaque = False
    for d in dyn:
        lit = _string_literal(d)
        if lit is None:
            opaque = True
        else:
            executed.append(lit)
    return embedded, executed, opaque


def _parse_embedded(text: str, stmt: Statement) -> list[Statement]:
    """Statements of SQL embedded in a DO block, attributed to the DO statement's position."""
    try:
        tree = orjson.loads(parser.parse_sql_json(text))
    except Exception:
        return []
    out = []
    for raw in tree.get("stmts", []):
        node = raw.get("stmt", {})
        if not node:
            continue
        out.append(
            Statement(
                stmt.file,
                stmt.index,
                stmt.line,
                stmt.column,
                stmt.end_line,
                stmt.start,
                stmt.end,
                text,
                next(iter(node)),
                node,
                stmt.ignores,
            )
        )
    return out
