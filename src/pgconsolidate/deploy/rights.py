"""The rights an apply will need, checked before the backup and the lock.

A role that lacks them would otherwise fail at ``file:1`` only after a full verified backup. What is
derived here is only what PostgreSQL will certainly check for the statements the apply runs:

* ``CREATE SCHEMA`` → CREATE on the database;
* creating a table, view, sequence, type, domain or function in a schema that exists now → CREATE on
  that schema (an unqualified name: the session's creation schema, unless a step changes
  ``search_path``);
* altering, indexing, triggering, adding a policy to or dropping a table that exists now, and altering,
  dropping or replacing a function that exists now → ownership (or membership of the owner role).

Anything uncertain is left to the apply's own error: a step that does not parse, a unit that changes
its role (``SET ROLE``, ``SET SESSION AUTHORIZATION``, ``GRANT role``), an object absent now (the
apply may create it), a function name with several overloads and no argument list. Deriving the needs
is pure (:func:`needs_of`); :func:`missing_right` asks the database in one query.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from pglast.parser import ParseError, parse_sql_json

from pgconsolidate.db.connect import load_sql, one_line
from pgconsolidate.deploy.units import Unit
from pgconsolidate.errors import DatabaseError

_RELATION_CREATES = {
    "CreateStmt": "relation",
    "ViewStmt": "view",
    "CreateSeqStmt": "sequence",
    "CompositeTypeStmt": "typevar",
}
_NAME_LIST_CREATES = {"CreateEnumStmt": "typeName", "CreateDomainStmt": "domainname"}
_RELATION_OWNED = {
    "AlterTableStmt": "relation",
    "IndexStmt": "relation",
    "CreatePolicyStmt": "table",
    "AlterPolicyStmt": "table",
}
_DROP_RELATIONS = {"OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_SEQUENCE", "OBJECT_FOREIGN_TABLE"}
_DROP_FUNCTIONS = {"OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"}
_IN_MODES = {"FUNC_PARAM_IN", "FUNC_PARAM_INOUT", "FUNC_PARAM_VARIADIC", "FUNC_PARAM_DEFAULT"}
_ACTIONS = {
    "CreateStmt": "CREATE TABLE",
    "ViewStmt": "CREATE VIEW",
    "CreateSeqStmt": "CREATE SEQUENCE",
    "CompositeTypeStmt": "CREATE TYPE",
    "CreateEnumStmt": "CREATE TYPE",
    "CreateDomainStmt": "CREATE DOMAIN",
    "AlterTableStmt": "ALTER TABLE",
    "IndexStmt": "CREATE INDEX",
    "CreatePolicyStmt": "CREATE POLICY",
    "AlterPolicyStmt": "ALTER POLICY",
    "DropStmt": "DROP",
    "AlterFunctionStmt": "ALTER FUNCTION",
}
RIGHT_NAMES = {
    "database-create": "CREATE on database",
    "schema-create": "CREATE on schema",
    "relation-owner": "ownership of table",
    "relation-drop": "ownership of table (or of its schema)",
    "function-owner": "ownership of function",
    "function-drop": "ownership of function (or of its schema)",
    "table-insert": "INSERT on table",
    "table-delete": "DELETE on table",
}


@dataclass(frozen=True)
class Need:
    """One right a step needs: ``kind`` (a key of :data:`RIGHT_NAMES`), the object's name as
    PostgreSQL's ``to_regclass``/``to_regprocedure`` read it (``None``: the creation schema), and the
    step that needs it (``path:line`` and what it does)."""

    kind: str
    name: str | None
    where: str
    action: str


def _quote(part: str) -> str:
    return '"' + part.replace('"', '""') + '"'


def _strings(items: Any) -> list[str] | None:
    if not isinstance(items, list):
        return None
    out = [i.get("String", {}).get("sval") if isinstance(i, dict) else None for i in items]
    return [s for s in out if isinstance(s, str)] if all(isinstance(s, str) for s in out) else None


def _qualified(parts: list[str] | None) -> str | None:
    """``schema.name`` or ``name``, quoted; ``None`` for anything else (a database-qualified name)."""
    if not parts or len(parts) > 2:
        return None
    return ".".join(_quote(p) for p in parts)


def _rangevar(rv: Any) -> str | None:
    if not isinstance(rv, dict) or not rv.get("relname") or rv.get("catalogname"):
        return None
    parts = [rv["schemaname"], rv["relname"]] if rv.get("schemaname") else [rv["relname"]]
    return _qualified(parts)


def _rv_parts(rv: dict[str, Any]) -> list[str] | None:
    if not isinstance(rv.get("relname"), str):
        return None
    return [rv["schemaname"], rv["relname"]] if rv.get("schemaname") else [rv["relname"]]


def _type_name(tn: Any) -> str | None:
    if not isinstance(tn, dict) or tn.get("pct_type") or tn.get("setof"):
        return None
    parts = _strings(tn.get("names"))
    if not parts or len(parts) > 2:
        return None
    return ".".join(_quote(p) for p in parts) + "[]" * len(tn.get("arrayBounds") or [])


def _signature(name: str, types: Iterable[Any]) -> str | None:
    printed = [_type_name(t) for t in types]
    if any(p is None for p in printed):
        return None
    return f"{name}({', '.join(p for p in printed if p)})"


def _function(owa: Any) -> str | None:
    """``to_regprocedure`` text of an ObjectWithArgs; the bare name when no argument list is given
    (``to_regproc`` then finds it only when it is not overloaded)."""
    if not isinstance(owa, dict):
        return None
    name = _qualified(_strings(owa.get("objname")))
    if name is None:
        return None
    if owa.get("args_unspecified"):
        return name
    return _signature(name, [a.get("TypeName") for a in owa.get("objargs") or [] if isinstance(a, dict)])


def _creation_schema(parts: list[str] | None, search_path_changed: bool) -> tuple[bool, str | None]:
    """(certain, schema name or None for the session's creation schema)."""
    if parts is None or len(parts) > 2:
        return False, None
    if len(parts) == 2:
        return True, parts[0]
    return (not search_path_changed), None


def _statement_needs(
    node: dict[str, Any], where: str, search_path_changed: bool, created: set[str]
) -> list[Need]:
    """The needs of one statement. ``created``: unqualified relation names an earlier step creates
    (a temporary table may hide a table of that name: ownership is then not checked)."""
    kind, body = next(iter(node.items()))
    if not isinstance(body, dict):
        return []
    needs: list[Need] = []

    def create_in(parts: list[str] | None, what: str) -> None:
        certain, schema = _creation_schema(parts, search_path_changed)
        if certain:
            needs.append(Need("schema-create", schema, where, what))

    if kind == "CreateSchemaStmt":
        needs.append(Need("database-create", None, where, "CREATE SCHEMA"))
    elif kind in _RELATION_CREATES:
        rv = body.get(_RELATION_CREATES[kind])
        if isinstance(rv, dict) and rv.get("relpersistence") != "t" and not rv.get("catalogname"):
            create_in(_rv_parts(rv), _ACTIONS.get(kind, kind))
    elif kind == "CreateTableAsStmt":
        rv = (body.get("into") or {}).get("rel")
        if isinstance(rv, dict) and rv.get("relpersistence") != "t" and not rv.get("catalogname"):
            create_in(_rv_parts(rv), "CREATE TABLE AS")
    elif kind in _NAME_LIST_CREATES:
        create_in(_strings(body.get(_NAME_LIST_CREATES[kind])), _ACTIONS.get(kind, kind))
    elif kind == "CreateFunctionStmt":
        fparts = _strings(body.get("funcname"))
        create_in(fparts, "CREATE OR REPLACE FUNCTION" if body.get("replace") else "CREATE FUNCTION")
        name = _qualified(fparts)
        # only a qualified name: unqualified, to_regprocedure would also find a function of another
        # schema on the search path, which CREATE OR REPLACE does not replace
        if body.get("replace") and name is not None and len(fparts or []) == 2:
            params = [
                p.get("FunctionParameter", {}) for p in body.get("parameters") or [] if isinstance(p, dict)
            ]
            sig = _signature(name, [p.get("argType") for p in params if p.get("mode") in _IN_MODES])
            if sig is not None:
                needs.append(Need("function-owner", sig, where, "CREATE OR REPLACE FUNCTION"))
    elif kind in _RELATION_OWNED:
        rv = body.get(_RELATION_OWNED[kind])
        name = _rangevar(rv)
        qualified = isinstance(rv, dict) and bool(rv.get("schemaname"))
        if name is not None and (qualified or not (search_path_changed or name in created)):
            needs.append(Need("relation-owner", name, where, _ACTIONS.get(kind, kind)))
    elif kind == "DropStmt" and body.get("removeType") in _DROP_RELATIONS:
        for obj in body.get("objects") or []:
            dparts = _strings((obj or {}).get("List", {}).get("items"))
            name = _qualified(dparts)
            if name is not None and (len(dparts or []) == 2 or not (search_path_changed or name in created)):
                needs.append(Need("relation-drop", name, where, "DROP"))
    elif (kind == "DropStmt" and body.get("removeType") in _DROP_FUNCTIONS) or kind == "AlterFunctionStmt":
        objs = body.get("objects") or [] if kind == "DropStmt" else [{"ObjectWithArgs": body.get("func")}]
        for obj in objs:
            owa = (obj or {}).get("ObjectWithArgs")
            name = _function(owa)
            qualified = len(_strings((owa or {}).get("objname")) or []) == 2
            if name is not None and (qualified or not search_path_changed):
                drop = kind == "DropStmt"
                needs.append(
                    Need("function-drop" if drop else "function-owner", name, where, _ACTIONS.get(kind, kind))
                )
    return needs


def _created_relation(node: dict[str, Any]) -> list[str]:
    """The unqualified (quoted) name of a relation a statement creates, temporary or not."""
    kind, body = next(iter(node.items()))
    if not isinstance(body, dict):
        return []
    rv = body.get(_RELATION_CREATES.get(kind, "")) if kind in _RELATION_CREATES else None
    if kind == "CreateTableAsStmt":
        rv = (body.get("into") or {}).get("rel")
    if isinstance(rv, dict) and isinstance(rv.get("relname"), str):
        return [_quote(rv["relname"])]
    return []


def _changes_role(node: dict[str, Any]) -> bool:
    kind, body = next(iter(node.items()))
    if kind == "GrantRoleStmt":
        return True
    if kind == "VariableSetStmt" and isinstance(body, dict):
        return str(body.get("name", "")).lower() in ("role", "session_authorization")
    return False


def _changes_search_path(node: dict[str, Any], text: str) -> bool:
    kind, body = next(iter(node.items()))
    if kind == "VariableSetStmt" and isinstance(body, dict) and body.get("name") == "search_path":
        return True
    return "search_path" in text.lower()


@dataclass(frozen=True)
class History:
    """The history table apply writes: ``CREATE SCHEMA IF NOT EXISTS`` (CREATE on the database, even
    when the schema exists) and ``CREATE TABLE IF NOT EXISTS`` (CREATE on its schema) before a unit's
    first step, then the history row (INSERT; DELETE too for golang-migrate) after its last."""

    schema: str
    table: str
    ensured_always: bool  # the tool's table is created even for a unit whose own SQL writes the history
    deletes: bool = False


def _history_needs(unit: Unit, history: History, role_changed: bool) -> list[Need]:
    records = unit.record_history or not unit.transactional
    if not (records or history.ensured_always):
        return []
    first = unit.steps[0] if unit.steps else None
    where = f"{first.path}:{first.line}" if first else unit.paths[0]
    table = f"{_quote(history.schema)}.{_quote(history.table)}"
    action = f"the history table {history.schema}.{history.table}"
    needs = [
        Need("database-create", None, where, f"CREATE SCHEMA IF NOT EXISTS for {action}"),
        Need("schema-create", history.schema, where, f"CREATE TABLE IF NOT EXISTS for {action}"),
    ]
    if records and not role_changed:
        needs.append(Need("table-insert", table, where, f"the history row in {action}"))
        if history.deletes:
            needs.append(Need("table-delete", table, where, f"the history row in {action}"))
    return needs


def needs_of(units: Iterable[Unit], history: History | None = None) -> tuple[Need, ...]:
    """The rights ``units`` certainly need, in the order the apply runs them (pure): the history
    table's (when ``history`` is given) before each unit's steps.

    A unit whose steps do not all parse, or that changes its role, contributes only the history
    table's needs that come before its steps."""
    needs: list[Need] = []
    search_path_changed = False
    created: set[str] = set()
    for unit in units:
        parsed: list[tuple[dict[str, Any], str, str]] = []
        try:
            for step in unit.steps:
                for s in json.loads(parse_sql_json(step.text)).get("stmts", []):
                    parsed.append((s["stmt"], f"{step.path}:{step.line}", step.text))
        except ParseError:
            if history is not None:
                needs.extend(_history_needs(unit, history, role_changed=True))
            continue
        role_changed = any(_changes_role(node) for node, _, _ in parsed)
        if history is not None:
            needs.extend(_history_needs(unit, history, role_changed))
        if role_changed:
            continue
        for node, where, text in parsed:
            if _changes_search_path(node, text) or "CreateSchemaStmt" in node:
                # from here on, unqualified names are left to the apply (a new schema may be the
                # role's own, first on the search path as "$user")
                search_path_changed = True
            needs.extend(_statement_needs(node, where, search_path_changed, created))
            created.update(_created_relation(node))
    return tuple(needs)


def missing_right(conn: psycopg.Connection, needs: tuple[Need, ...]) -> str | None:
    """The first need the connected role does not hold, as a one-line message; ``None`` when all are
    held (or cannot be decided now)."""
    if not needs:
        return None
    query = load_sql("pgconsolidate.deploy.queries", "rights_held.sql").encode()
    try:
        rows = conn.execute(
            query, {"kinds": [n.kind for n in needs], "names": [n.name for n in needs]}, prepare=False
        ).fetchall()
    except psycopg.Error as exc:
        raise DatabaseError(f"checking the rights the apply needs: {one_line(exc)}") from None
    for need, (_, held, obj, role) in zip(needs, rows, strict=True):
        if held is False:
            return (
                f"{need.where}: role {role!r} lacks {RIGHT_NAMES[need.kind]} {obj!r} "
                f"(needed by {need.action}): nothing was backed up or changed"
            )
    return None
