"""Rights of the statements that read and write rows (pure): INSERT, UPDATE, DELETE, SELECT, TRUNCATE and
LOCK TABLE, with column privileges as PostgreSQL's executor checks them (``ExecCheckPermissions``):

* ``INSERT INTO t (a, b)`` → INSERT on ``t`` or on each of ``a`` and ``b`` (no column list: on some
  column); ``ON CONFLICT DO UPDATE SET c`` → UPDATE on ``c``;
* ``UPDATE t SET a`` → UPDATE on ``t`` or on ``a``; ``DELETE FROM t`` → DELETE on ``t`` (there is no
  column DELETE);
* every table a statement reads (its FROM, USING, subqueries, the rows an INSERT copies) → SELECT on the
  table or on each of its columns the statement names (``*``: every column; none named, as in
  ``count(*)``: some column). A column is attributed to a table only when that is certain: qualified by
  the table's name or alias, or unqualified in a query level with that one table; a name that is not a
  column of the table now (a PL/pgSQL variable, an outer reference) is left out by the query;
* ``TRUNCATE`` → TRUNCATE on each table; ``LOCK TABLE`` → the privileges PostgreSQL accepts for the mode
  (ACCESS SHARE: SELECT or any write; up to ROW EXCLUSIVE: INSERT, UPDATE, DELETE or TRUNCATE; stronger:
  UPDATE, DELETE or TRUNCATE; MAINTAIN from PostgreSQL 17).

RETURNING: SELECT on the columns it names. Left to the apply: the columns ``ON CONFLICT`` reads, functions
called (EXECUTE: PUBLIC holds it unless revoked), sequences advanced by defaults, data-modifying CTEs,
MERGE and COPY."""

from __future__ import annotations

from typing import Any

from pgconsolidate.deploy.rights.names import rv_parts
from pgconsolidate.deploy.rights.scope import Deriver

_LEVEL_FIELDS = (
    "targetList",
    "whereClause",
    "groupClause",
    "havingClause",
    "sortClause",
    "distinctClause",
    "valuesLists",
    "windowClause",
    "limitCount",
    "limitOffset",
)
_LOCK_MODES = {
    1: "SELECT, INSERT, UPDATE, DELETE, TRUNCATE",  # ACCESS SHARE
    2: "INSERT, UPDATE, DELETE, TRUNCATE",  # ROW SHARE
    3: "INSERT, UPDATE, DELETE, TRUNCATE",  # ROW EXCLUSIVE
}
_STRONG_LOCK = "UPDATE, DELETE, TRUNCATE"


class Reads:
    """The tables a statement reads and the columns of each it names, in the order first seen: key
    ``tuple(names)``, value ``None`` until a column is named, ``{"*"}`` for every column."""

    def __init__(self) -> None:
        self.tables: dict[tuple[str, ...], set[str]] = {}

    def table(self, parts: list[str]) -> None:
        self.tables.setdefault(tuple(parts), set())

    def column(self, parts: list[str], column: str) -> None:
        self.tables.setdefault(tuple(parts), set()).add(column)


Level = dict[str, list[str] | None]  # alias → the table's names (None: a CTE, a subquery, a function)


def _column_ref(fields: list[Any], levels: list[Level], reads: Reads) -> None:
    names = [f.get("String", {}).get("sval") if isinstance(f, dict) else None for f in fields]
    star = bool(fields) and isinstance(fields[-1], dict) and "A_Star" in fields[-1]
    if star:
        names[-1] = "*"
    if any(not isinstance(n, str) for n in names):
        return
    level = levels[0] if levels else {}
    if len(names) == 1:
        tables = [p for p in level.values() if p is not None]
        if names[0] == "*":
            for p in tables:
                reads.column(p, "*")
        elif len(level) == 1 and len(tables) == 1:  # one table at this level: the column is its own
            reads.column(tables[0], str(names[0]))
        return
    if len(names) != 2:
        return
    for lv in levels:  # the innermost level that has the alias
        if names[0] in lv:
            parts = lv[names[0]]
            if parts is not None:
                reads.column(parts, str(names[1]))
            return


def _expressions(node: Any, levels: list[Level], ctes: set[str], reads: Reads) -> None:
    """Column references in an expression tree; a subquery is a level of its own."""
    if isinstance(node, list):
        for item in node:
            _expressions(item, levels, ctes, reads)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "ColumnRef" and isinstance(value, dict):
            _column_ref(value.get("fields") or [], levels, reads)
        elif key == "SelectStmt" and isinstance(value, dict):
            select_reads(value, levels, ctes, reads)
        elif isinstance(value, dict | list):
            _expressions(value, levels, ctes, reads)


def _from_item(item: Any, level: Level, levels: list[Level], ctes: set[str], reads: Reads) -> list[Any]:
    """Register a FROM item's tables and aliases at ``level``; the join conditions it holds."""
    if not isinstance(item, dict):
        return []
    if "RangeVar" in item:
        rv = item["RangeVar"]
        parts = rv_parts(rv)
        alias = ((rv.get("alias") or {}).get("aliasname")) or rv.get("relname")
        if parts is None or (len(parts) == 1 and parts[0] in ctes):
            level[str(alias)] = None
        else:
            reads.table(parts)
            level[str(alias)] = parts
        return []
    if "JoinExpr" in item:
        j = item["JoinExpr"]
        quals = _from_item(j.get("larg"), level, levels, ctes, reads)
        quals += _from_item(j.get("rarg"), level, levels, ctes, reads)
        if j.get("usingClause") or j.get("isNatural"):
            level["\x00ambiguous"] = None  # unqualified names may be either side's
        return [*quals, j.get("quals")]
    if "RangeSubselect" in item:
        sub = item["RangeSubselect"]
        inner = sub.get("subquery", {}).get("SelectStmt")
        if isinstance(inner, dict):
            select_reads(inner, levels if sub.get("lateral") else levels[1:], ctes, reads)
        level[str((sub.get("alias") or {}).get("aliasname"))] = None
        return []
    for value in item.values():  # RangeFunction, RangeTableSample, ...: a name that is not a table
        if isinstance(value, dict) and isinstance(value.get("alias"), dict):
            level[str(value["alias"].get("aliasname"))] = None
    level["\x00other"] = None
    return []


def select_reads(sel: dict[str, Any], outer: list[Level], ctes: set[str], reads: Reads) -> None:
    """The tables and columns one SELECT (with its set operations, CTEs and subqueries) reads."""
    ctes = set(ctes)
    for cte in ((sel.get("withClause") or {}).get("ctes")) or []:
        c = (cte or {}).get("CommonTableExpr", {})
        if isinstance(c.get("ctename"), str):
            ctes.add(c["ctename"])
        query = (c.get("ctequery") or {}).get("SelectStmt")
        if isinstance(query, dict):
            select_reads(query, outer, ctes, reads)
    if sel.get("op") not in (None, "SETOP_NONE"):
        for side in ("larg", "rarg"):
            if isinstance(sel.get(side), dict):
                select_reads(sel[side], outer, ctes, reads)
        return
    level: Level = {}
    levels = [level, *outer]
    quals: list[Any] = []
    for item in sel.get("fromClause") or []:
        quals += _from_item(item, level, levels, ctes, reads)
    _expressions([sel.get(f) for f in _LEVEL_FIELDS] + quals, levels, ctes, reads)


def _target_level(body: dict[str, Any], extra: str, reads: Reads) -> tuple[list[Level], set[str]]:
    """The level of an UPDATE/DELETE: its target (under its alias) and its FROM/USING tables."""
    ctes = {
        c["CommonTableExpr"]["ctename"]
        for c in ((body.get("withClause") or {}).get("ctes")) or []
        if isinstance(c, dict) and isinstance(c.get("CommonTableExpr", {}).get("ctename"), str)
    }
    rv = body.get("relation") or {}
    target = rv_parts(rv)
    level: Level = {}
    if target is not None:
        level[str(((rv.get("alias") or {}).get("aliasname")) or rv.get("relname"))] = target
    quals: list[Any] = []
    for item in body.get(extra) or []:
        quals += _from_item(item, level, [level], ctes, reads)
    if quals:
        _expressions(quals, [level], ctes, reads)
    return [level], ctes


def select_needs(d: Deriver, reads: Reads, action: str, skip: tuple[str, ...] | None = None) -> None:
    """SELECT on each table read (on the columns named; ``skip``: the target, needed only when a column
    of it is read)."""
    for parts, columns in reads.tables.items():
        if parts == skip and not columns:
            continue
        d.relation("columns-select", list(parts), action, "SELECT", tuple(sorted(columns)))


def _returning(body: dict[str, Any]) -> list[Any]:
    """The RETURNING expressions of an INSERT, UPDATE or DELETE (``returningList`` before PostgreSQL 18's
    parser, ``returningClause`` since)."""
    clause = body.get("returningClause")
    return list(
        body.get("returningList") or (clause.get("exprs") if isinstance(clause, dict) else None) or []
    )


def _target_names(targets: Any) -> list[str]:
    """The column names of a list of ``ResTarget`` nodes (an INSERT's columns, an UPDATE's or an
    ON CONFLICT DO UPDATE's SET targets), in order, repeats kept."""
    return [
        str(t["ResTarget"]["name"])
        for t in targets or []
        if isinstance(t, dict) and isinstance(t.get("ResTarget", {}).get("name"), str)
    ]


def _insert(d: Deriver, body: dict[str, Any]) -> None:
    target = rv_parts(body.get("relation"))
    columns = tuple(_target_names(body.get("cols")))
    d.relation("columns-insert", target, "INSERT", "INSERT", columns)
    conflict = body.get("onConflictClause") or {}
    if conflict.get("action") == "ONCONFLICT_UPDATE":
        sets = tuple(sorted(set(_target_names(conflict.get("targetList")))))
        d.relation("columns-update", target, "INSERT ... ON CONFLICT DO UPDATE", "UPDATE", sets)
    reads = Reads()
    source = (body.get("selectStmt") or {}).get("SelectStmt")
    if isinstance(source, dict):
        ctes = {
            c["CommonTableExpr"]["ctename"]
            for c in ((body.get("withClause") or {}).get("ctes")) or []
            if isinstance(c, dict) and isinstance(c.get("CommonTableExpr", {}).get("ctename"), str)
        }
        select_reads(source, [], ctes, reads)
    returning = _returning(body)
    if returning:  # RETURNING reads the inserted rows: SELECT on the columns it names
        rv = body.get("relation") or {}
        alias = ((rv.get("alias") or {}).get("aliasname")) or rv.get("relname")
        _expressions(returning, [{str(alias): target}], set(), reads)
    select_needs(d, reads, "INSERT", tuple(target) if target else None)


def _update(d: Deriver, body: dict[str, Any]) -> None:
    target = rv_parts(body.get("relation"))
    sets = tuple(sorted(set(_target_names(body.get("targetList")))))
    d.relation("columns-update", target, "UPDATE", "UPDATE", sets)
    reads = Reads()
    levels, ctes = _target_level(body, "fromClause", reads)
    values = [
        (r.get("ResTarget") or {}).get("val") for r in body.get("targetList") or [] if isinstance(r, dict)
    ]
    _expressions([values, body.get("whereClause"), _returning(body)], levels, ctes, reads)
    select_needs(d, reads, "UPDATE", tuple(target) if target else None)


def _delete(d: Deriver, body: dict[str, Any]) -> None:
    target = rv_parts(body.get("relation"))
    d.relation("table-delete", target, "DELETE")
    reads = Reads()
    levels, ctes = _target_level(body, "usingClause", reads)
    _expressions([body.get("whereClause"), _returning(body)], levels, ctes, reads)
    select_needs(d, reads, "DELETE", tuple(target) if target else None)


def _select(d: Deriver, body: dict[str, Any]) -> None:
    if body.get("intoClause"):  # SELECT ... INTO a new table
        rel = (body.get("intoClause") or {}).get("rel") or {}
        if rel.get("relpersistence") != "t":
            d.create_in(rv_parts(rel), "SELECT INTO")
    reads = Reads()
    select_reads(body, [], set(), reads)
    select_needs(d, reads, "SELECT")


def _truncate(d: Deriver, body: dict[str, Any]) -> None:
    for rv in body.get("relations") or []:
        d.relation("table-truncate", rv_parts((rv or {}).get("RangeVar")), "TRUNCATE")


def _lock(d: Deriver, body: dict[str, Any]) -> None:
    mode = body.get("mode")
    privileges = _LOCK_MODES.get(mode if isinstance(mode, int) else 8, _STRONG_LOCK)
    for rv in body.get("relations") or []:
        d.relation("table-lock", rv_parts((rv or {}).get("RangeVar")), "LOCK TABLE", privileges)


RULES = {
    "InsertStmt": _insert,
    "UpdateStmt": _update,
    "DeleteStmt": _delete,
    "SelectStmt": _select,
    "TruncateStmt": _truncate,
    "LockStmt": _lock,
}
