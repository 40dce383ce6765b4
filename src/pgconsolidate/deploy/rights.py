"""The rights an apply will need, checked before the backup and the lock.

A role that lacks them would otherwise fail at ``file:1`` only after a full verified backup. What is
derived here is only what PostgreSQL will certainly check for the statements the apply runs:

* ``CREATE SCHEMA`` → CREATE on the database;
* creating a table, view, sequence, type, domain or function in a schema that exists now → CREATE on
  that schema (an unqualified name: the session's creation schema, unless a step changes
  ``search_path``);
* altering, indexing, adding a policy to, renaming, commenting on, moving (``SET SCHEMA``: CREATE on
  the new schema too) or replacing (``CREATE OR REPLACE VIEW``) a table, view,
  materialized view, sequence, index, function, type or domain that exists now, and dropping a trigger,
  policy or rule that exists now → ownership (of its table; or membership of the owner role); dropping
  a relation, function or type → ownership of it or of its schema; renaming, commenting on or dropping
  a schema → ownership of it (renaming: CREATE on the database too);
* a table created ``PARTITION OF`` or ``INHERITS`` a table → ownership of that table;
* ``CREATE TRIGGER`` → TRIGGER on the table and EXECUTE on the trigger function; a foreign key
  (``CREATE TABLE``, ``ALTER TABLE ... ADD``) → REFERENCES on some column of the table it points to;
* ``GRANT`` on a table, sequence, function, schema or type → the privilege WITH GRANT OPTION (the owner
  holds them all; ``ALL``: at least one). Without it PostgreSQL refuses, or only warns and grants
  nothing — a privilege lost without saying so. ``REVOKE`` → some privilege on the object: without any,
  PostgreSQL refuses (with some but no grant option it only warns and revokes nothing, as the tool the
  project uses would have left it);
* ``OWNER TO`` a role → ownership (of a function, type or schema: only when it is not already that
  role's) and, for a new owner, SET ROLE to it (membership before PostgreSQL 16);
  ``ALTER DEFAULT PRIVILEGES FOR ROLE r`` → SET ROLE to ``r``;
* ``REFRESH MATERIALIZED VIEW`` → ownership (MAINTAIN from PostgreSQL 17);
* ``CREATE EXTENSION`` of an extension not installed whose control file requires a superuser → superuser,
  or, for a trusted extension, CREATE on the database — on stock PostgreSQL only: a server with an
  extension allow-list of its platform (supautils, RDS, Cloud SQL, Azure, AlloyDB, Neon, pgextwlist,
  pg_tle settings) is left to the apply.

Anything uncertain is left to the apply's own error: a step that does not parse, a unit that changes
its role (``SET ROLE``, ``SET SESSION AUTHORIZATION``, ``GRANT role``, or a statement whose text sets the
role), an object absent now (the apply may create it), an object a previous step created, dropped,
renamed or moved (the name may then be another object's), a function name with several overloads and no
argument list, column privileges, ``ON ALL TABLES IN SCHEMA``. Deriving the needs is pure
(:func:`needs_of`, from the parse trees the apply's split already made, when the steps carry them);
:func:`missing_right` asks the database in one query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
from pglast.parser import ParseError, parse_sql_json

from pgconsolidate.db.connect import load_sql, one_line
from pgconsolidate.deploy.units import SqlStep, Unit
from pgconsolidate.errors import DatabaseError

_RELATION_CREATES = {
    "CreateStmt": "relation",
    "ViewStmt": "view",
    "CreateSeqStmt": "sequence",
    "CompositeTypeStmt": "typevar",
}
_NAME_LIST_CREATES = {
    "CreateEnumStmt": "typeName",
    "CreateRangeStmt": "typeName",
    "CreateDomainStmt": "domainname",
}
_RELATION_OWNED = {
    "AlterTableStmt": "relation",
    "IndexStmt": "relation",
    "CreatePolicyStmt": "table",
    "AlterPolicyStmt": "table",
    "AlterSeqStmt": "sequence",
}
_TYPE_OWNED = {"AlterEnumStmt", "AlterDomainStmt", "AlterTypeStmt"}
_RELATIONS = {"OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_SEQUENCE", "OBJECT_FOREIGN_TABLE"}
_DROP_RELATIONS = _RELATIONS | {"OBJECT_INDEX"}
_FUNCTIONS = {"OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"}
_TYPES = {"OBJECT_TYPE", "OBJECT_DOMAIN"}
_ON_TABLE = {"OBJECT_TRIGGER", "OBJECT_POLICY", "OBJECT_RULE"}  # objects named (schema, table, name)
# renames that need ownership of the relation the statement names (the renamed object's or its table's)
_RENAME_ON_RELATION = (
    _DROP_RELATIONS | _ON_TABLE | {"OBJECT_COLUMN", "OBJECT_TABCONSTRAINT", "OBJECT_ATTRIBUTE"}
)
_COMMENT_ON_RELATION = _DROP_RELATIONS
_COMMENT_ON_TABLE_PART = _ON_TABLE | {"OBJECT_COLUMN", "OBJECT_TABCONSTRAINT"}
_IN_MODES = {"FUNC_PARAM_IN", "FUNC_PARAM_INOUT", "FUNC_PARAM_VARIADIC", "FUNC_PARAM_DEFAULT"}
_ACTIONS = {
    "CreateStmt": "CREATE TABLE",
    "ViewStmt": "CREATE VIEW",
    "CreateSeqStmt": "CREATE SEQUENCE",
    "CompositeTypeStmt": "CREATE TYPE",
    "CreateEnumStmt": "CREATE TYPE",
    "CreateRangeStmt": "CREATE TYPE",
    "CreateDomainStmt": "CREATE DOMAIN",
    "AlterTableStmt": "ALTER TABLE",
    "IndexStmt": "CREATE INDEX",
    "CreatePolicyStmt": "CREATE POLICY",
    "AlterPolicyStmt": "ALTER POLICY",
    "AlterSeqStmt": "ALTER SEQUENCE",
    "AlterEnumStmt": "ALTER TYPE",
    "AlterDomainStmt": "ALTER DOMAIN",
    "AlterTypeStmt": "ALTER TYPE",
    "DropStmt": "DROP",
    "AlterFunctionStmt": "ALTER FUNCTION",
    "RenameStmt": "RENAME",
    "AlterObjectSchemaStmt": "SET SCHEMA",
    "AlterOwnerStmt": "OWNER TO",
    "CommentStmt": "COMMENT ON",
    "CreateTrigStmt": "CREATE TRIGGER",
    "RefreshMatViewStmt": "REFRESH MATERIALIZED VIEW",
    "CreateExtensionStmt": "CREATE EXTENSION",
}
_CURRENT_ROLE_SPECS = {"ROLESPEC_CURRENT_USER", "ROLESPEC_CURRENT_ROLE", "ROLESPEC_SESSION_USER"}
_ALTER_TABLE_ACTIONS = {
    "OBJECT_VIEW": "ALTER VIEW",
    "OBJECT_MATVIEW": "ALTER MATERIALIZED VIEW",
    "OBJECT_INDEX": "ALTER INDEX",
    "OBJECT_SEQUENCE": "ALTER SEQUENCE",
    "OBJECT_TYPE": "ALTER TYPE",
    "OBJECT_FOREIGN_TABLE": "ALTER FOREIGN TABLE",
}
#: The privileges ``GRANT ALL`` stands for, per object type (PostgreSQL 17's MAINTAIN left out: any one
#: held WITH GRANT OPTION lets the statement do something).
_ALL_PRIVILEGES = {
    "table": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
    "sequence": ("USAGE", "SELECT", "UPDATE"),
    "function": ("EXECUTE",),
    "schema": ("USAGE", "CREATE"),
    "type": ("USAGE",),
}
_GRANT_TARGETS = {
    "OBJECT_TABLE": "table",
    "OBJECT_SEQUENCE": "sequence",
    "OBJECT_FUNCTION": "function",
    "OBJECT_PROCEDURE": "function",
    "OBJECT_ROUTINE": "function",
    "OBJECT_SCHEMA": "schema",
    "OBJECT_TYPE": "type",
    "OBJECT_DOMAIN": "type",
}
RIGHT_NAMES = {
    "database-create": "CREATE on database",
    "schema-create": "CREATE on schema",
    "schema-owner": "ownership of schema",
    "relation-owner": "ownership of {noun}",
    "relation-drop": "ownership of {noun} (or of its schema)",
    "trigger-drop": "ownership of {noun}",
    "policy-drop": "ownership of {noun}",
    "rule-drop": "ownership of {noun}",
    "function-owner": "ownership of {noun}",
    "function-drop": "ownership of {noun} (or of its schema)",
    "type-owner": "ownership of {noun}",
    "type-drop": "ownership of {noun} (or of its schema)",
    "table-insert": "INSERT on table",
    "table-delete": "DELETE on table",
    "table-trigger": "TRIGGER on {noun}",
    "table-references": "REFERENCES on {noun}",
    "relation-owner-to": "ownership of {noun} (and SET ROLE to its new owner {detail!r})",
    "function-owner-to": "ownership of {noun} (and SET ROLE to its new owner {detail!r})",
    "type-owner-to": "ownership of {noun} (and SET ROLE to its new owner {detail!r})",
    "schema-owner-to": "ownership of schema (and SET ROLE to its new owner {detail!r})",
    "role-set": "the right to SET ROLE to (or membership of) role",
    "function-execute": "EXECUTE on function",
    "table-grant": "{detail} WITH GRANT OPTION (or ownership) on {noun}",
    "sequence-grant": "{detail} WITH GRANT OPTION (or ownership) on sequence",
    "function-grant": "{detail} WITH GRANT OPTION (or ownership) on {noun}",
    "schema-grant": "{detail} WITH GRANT OPTION (or ownership) on schema",
    "type-grant": "{detail} WITH GRANT OPTION (or ownership) on {noun}",
    "table-revoke": "any privilege on {noun}",
    "sequence-revoke": "any privilege on sequence",
    "function-revoke": "any privilege on {noun}",
    "schema-revoke": "any privilege on schema",
    "type-revoke": "any privilege on {noun}",
    "matview-refresh": "{noun}",
    "extension-create": "{noun} to create extension",
}
_SETS_ROLE = re.compile(
    r"\bset\s+(?:local\s+|session\s+)?(?:role|session\s+authorization)\b|\bset_config\s*\(\s*'role'",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Need:
    """One right a step needs: ``kind`` (a key of :data:`RIGHT_NAMES`), the object's name as
    PostgreSQL's ``to_regclass``/``to_regprocedure``/``to_regtype`` read it (``None``: the creation
    schema), the step that needs it (``path:line`` and what it does), and ``detail``: the privilege a
    GRANT needs (``ALL``: any of them), or the version CREATE EXTENSION installs."""

    kind: str
    name: str | None
    where: str
    action: str
    detail: str | None = None


def _quote(part: str) -> str:
    return '"' + part.replace('"', '""') + '"'


def _strings(items: Any) -> list[str] | None:
    if not isinstance(items, list):
        return None
    out = [i.get("String", {}).get("sval") if isinstance(i, dict) else None for i in items]
    return [s for s in out if isinstance(s, str)] if all(isinstance(s, str) for s in out) else None


def _list_strings(node: Any) -> list[str] | None:
    """The names of a ``{"List": {"items": [String...]}}`` node."""
    return _strings((node or {}).get("List", {}).get("items")) if isinstance(node, dict) else None


def _string(node: Any) -> str | None:
    value = node.get("String", {}).get("sval") if isinstance(node, dict) else None
    return value if isinstance(value, str) else None


def _qualified(parts: list[str] | None) -> str | None:
    """``schema.name`` or ``name``, quoted; ``None`` for anything else (a database-qualified name)."""
    if not parts or len(parts) > 2:
        return None
    return ".".join(_quote(p) for p in parts)


def _rv_parts(rv: Any) -> list[str] | None:
    if not isinstance(rv, dict) or not isinstance(rv.get("relname"), str) or rv.get("catalogname"):
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


class _Scope:
    """What earlier steps of the apply did that makes a name uncertain: ``search_path`` changed (or a
    schema was created: ``"$user"`` may now come first), and the names of objects created, dropped,
    renamed or moved (a later step naming them may mean another object than the one there now)."""

    def __init__(self) -> None:
        self.search_path_changed = False
        self.touched: set[str] = set()  # bare names of relations, functions, types and schemas

    def certain(self, parts: list[str] | None) -> bool:
        """Whether the object named ``parts`` now is the one the apply will find under that name."""
        if not parts or len(parts) > 2:
            return False
        if len(parts) == 1 and self.search_path_changed:
            return False
        return not any(p in self.touched for p in parts)

    def touch(self, parts: Iterable[str] | None) -> None:
        if parts:
            self.touched.update(parts)


def _function_parts(owa: Any) -> list[str] | None:
    return _strings(owa.get("objname")) if isinstance(owa, dict) else None


def _type_parts(node: Any) -> list[str] | None:
    """Names of a type given as a TypeName, a List of names or a bare list of String nodes."""
    if isinstance(node, list):
        return _strings(node)
    if isinstance(node, dict) and "TypeName" in node:
        tn = node["TypeName"]
        if tn.get("pct_type") or tn.get("setof") or tn.get("arrayBounds"):
            return None
        return _strings(tn.get("names"))
    return _list_strings(node)


class _Deriver:
    """The needs of one statement, given the scope of the steps before it."""

    def __init__(self, where: str, scope: _Scope) -> None:
        self.where = where
        self.scope = scope
        self.needs: list[Need] = []

    def add(self, kind: str, name: str | None, action: str, detail: str | None = None) -> None:
        self.needs.append(Need(kind, name, self.where, action, detail))

    def create_in(self, parts: list[str] | None, action: str) -> None:
        certain, schema = _creation_schema(parts, self.scope.search_path_changed)
        if certain and (schema is None or schema not in self.scope.touched):
            self.add("schema-create", schema, action)

    def relation(self, kind: str, parts: list[str] | None, action: str, detail: str | None = None) -> None:
        if self.scope.certain(parts):
            self.add(kind, _qualified(parts), action, detail)

    def function(self, kind: str, owa: Any, action: str, detail: str | None = None) -> None:
        name = _function(owa)
        if name is not None and self.scope.certain(_function_parts(owa)):
            self.add(kind, name, action, detail)

    def type(self, kind: str, node: Any, action: str, detail: str | None = None) -> None:
        parts = _type_parts(node)
        if self.scope.certain(parts):
            self.add(kind, _qualified(parts), action, detail)

    def schema(self, kind: str, name: str | None, action: str, detail: str | None = None) -> None:
        if name is not None and name not in self.scope.touched:
            self.add(kind, name, action, detail)


def _drop(d: _Deriver, body: dict[str, Any]) -> None:
    kind = body.get("removeType")
    for obj in body.get("objects") or []:
        if kind in _DROP_RELATIONS:
            d.relation("relation-drop", _list_strings(obj), "DROP")
        elif kind in _FUNCTIONS:
            d.function("function-drop", (obj or {}).get("ObjectWithArgs"), "DROP")
        elif kind in _TYPES:
            d.type("type-drop", obj, "DROP")
        elif kind in _ON_TABLE:  # checked only when it exists: DROP ... IF EXISTS of none checks nothing
            parts = _list_strings(obj)
            what = str(kind).removeprefix("OBJECT_")
            if parts:
                d.relation(f"{what.lower()}-drop", parts[:-1], f"DROP {what}", parts[-1])
        elif kind == "OBJECT_SCHEMA":
            d.schema("schema-owner", _string(obj), "DROP SCHEMA")


def _rename(d: _Deriver, body: dict[str, Any]) -> None:
    kind = body.get("renameType")
    action = "RENAME"
    if kind in _RENAME_ON_RELATION:
        d.relation("relation-owner", _rv_parts(body.get("relation")), action)
    elif kind in _FUNCTIONS:
        d.function("function-owner", body.get("object", {}).get("ObjectWithArgs"), action)
    elif kind in _TYPES or kind == "OBJECT_DOMCONSTRAINT":
        d.type("type-owner", body.get("object"), action)
    elif kind == "OBJECT_SCHEMA":
        d.schema("schema-owner", body.get("subname"), "ALTER SCHEMA RENAME")
        d.add("database-create", None, "ALTER SCHEMA RENAME")


def _set_schema(d: _Deriver, body: dict[str, Any]) -> None:
    kind = body.get("objectType")
    before = len(d.needs)
    if kind in _RELATIONS:
        d.relation("relation-owner", _rv_parts(body.get("relation")), "SET SCHEMA")
    elif kind in _FUNCTIONS:
        d.function("function-owner", (body.get("object") or {}).get("ObjectWithArgs"), "SET SCHEMA")
    elif kind in _TYPES:
        d.type("type-owner", body.get("object"), "SET SCHEMA")
    if len(d.needs) > before and not body.get("missing_ok"):  # CREATE on the schema it moves to
        d.schema("schema-create", body.get("newschema"), "SET SCHEMA")


def _role_name(spec: Any) -> str | None:
    """The role a RoleSpec names; ``""`` for the current user (``CURRENT_USER``, ``CURRENT_ROLE``,
    ``SESSION_USER``: the same in a unit that does not change its role); None for ``PUBLIC``."""
    if not isinstance(spec, dict):
        return None
    if spec.get("roletype") == "ROLESPEC_CSTRING" and isinstance(spec.get("rolename"), str):
        return str(spec["rolename"])
    return "" if spec.get("roletype") in _CURRENT_ROLE_SPECS else None


def _owner(d: _Deriver, body: dict[str, Any]) -> None:
    """``OWNER TO`` a role of a function, type or schema: nothing is checked when the object already
    belongs to it; otherwise its ownership and the right to SET ROLE to the new owner (membership
    before PostgreSQL 16). (``ALTER TABLE ... OWNER TO`` checks ownership in any case.)"""
    kind = body.get("objectType")
    obj = body.get("object")
    new = _role_name(body.get("newowner"))
    if new is None:
        return
    if kind in _FUNCTIONS:
        d.function("function-owner-to", (obj or {}).get("ObjectWithArgs"), "OWNER TO", new)
    elif kind in _TYPES:
        d.type("type-owner-to", obj, "OWNER TO", new)
    elif kind == "OBJECT_SCHEMA":
        d.schema("schema-owner-to", _string(obj), "ALTER SCHEMA OWNER TO", new)


def _default_privileges(d: _Deriver, body: dict[str, Any]) -> None:
    """``ALTER DEFAULT PRIVILEGES FOR ROLE r``: the right to SET ROLE to ``r`` (membership before 16)."""
    for opt in body.get("options") or []:
        de = (opt or {}).get("DefElem", {})
        if de.get("defname") != "roles":
            continue
        for item in (de.get("arg") or {}).get("List", {}).get("items") or []:
            role = _role_name((item or {}).get("RoleSpec"))
            if role:
                d.add("role-set", role, "ALTER DEFAULT PRIVILEGES FOR ROLE", role)


def _comment(d: _Deriver, body: dict[str, Any]) -> None:
    kind = body.get("objtype")
    obj = body.get("object")
    action = "COMMENT ON"
    if kind in _COMMENT_ON_RELATION:
        d.relation("relation-owner", _list_strings(obj), action)
    elif kind in _COMMENT_ON_TABLE_PART:
        parts = _list_strings(obj)
        d.relation("relation-owner", parts[:-1] if parts else None, action)
    elif kind in _FUNCTIONS:
        d.function("function-owner", (obj or {}).get("ObjectWithArgs"), action)
    elif kind in _TYPES:
        d.type("type-owner", obj, action)
    elif kind == "OBJECT_SCHEMA":
        d.schema("schema-owner", _string(obj), action)


def _grant(d: _Deriver, body: dict[str, Any]) -> None:
    target = _GRANT_TARGETS.get(str(body.get("objtype")))
    if body.get("targtype") != "ACL_TARGET_OBJECT" or target is None:
        return
    action = "GRANT" if body.get("is_grant") else "REVOKE"
    privileges: list[str] = []
    for p in body.get("privileges") or []:
        priv = (p or {}).get("AccessPriv", {})
        name = str(priv.get("priv_name") or "").upper()
        # column privileges, MAINTAIN, a privilege of another object type: left to the apply
        if not priv.get("cols") and name in _ALL_PRIVILEGES[target]:
            privileges.append(name)
    if not body.get("privileges"):
        privileges = ["ALL"]
    kind = f"{target}-grant"
    if not body.get("is_grant"):  # REVOKE: refused only by a role without any privilege on the object
        kind, privileges = f"{target}-revoke", ["ALL"] if privileges else []
    for obj in body.get("objects") or []:
        for priv in privileges:
            if target in ("table", "sequence"):
                d.relation(kind, _rv_parts((obj or {}).get("RangeVar")), action, priv)
            elif target == "function":
                d.function(kind, (obj or {}).get("ObjectWithArgs"), action, priv)
            elif target == "schema":
                d.schema(kind, _string(obj), action, priv)
            else:
                d.type(kind, obj, action, priv)


def _references(d: _Deriver, body: dict[str, Any], kind: str) -> None:
    """REFERENCES on the table each foreign key of a CREATE TABLE or ALTER TABLE ... ADD points to."""
    nodes: list[Any] = []
    if kind == "CreateStmt":
        for elt in body.get("tableElts") or []:
            nodes += (elt or {}).get("ColumnDef", {}).get("constraints") or []
            nodes.append(elt)
    else:
        nodes = [(c or {}).get("AlterTableCmd", {}).get("def") for c in body.get("cmds") or []]
    for node in nodes:
        con = node.get("Constraint") if isinstance(node, dict) else None
        if isinstance(con, dict) and con.get("contype") == "CONSTR_FOREIGN":
            d.relation("table-references", _rv_parts(con.get("pktable")), "FOREIGN KEY")


def _trigger(d: _Deriver, body: dict[str, Any]) -> None:
    d.relation("table-trigger", _rv_parts(body.get("relation")), "CREATE TRIGGER")
    fparts = _strings(body.get("funcname"))
    name = _qualified(fparts)
    if name is not None and d.scope.certain(fparts):
        d.add("function-execute", f"{name}()", "CREATE TRIGGER")  # trigger functions take no arguments


def _extension(d: _Deriver, body: dict[str, Any]) -> None:
    version = None
    for opt in body.get("options") or []:
        de = (opt or {}).get("DefElem", {})
        if de.get("defname") == "new_version":
            version = _string(de.get("arg"))
            if version is None:
                return
    if isinstance(body.get("extname"), str):
        d.add("extension-create", body["extname"], "CREATE EXTENSION", version)


def _create(d: _Deriver, kind: str, body: dict[str, Any]) -> None:
    if kind == "CreateSchemaStmt":
        d.add("database-create", None, "CREATE SCHEMA")
    elif kind in _RELATION_CREATES or kind == "CreateTableAsStmt":
        rv = (
            (body.get("into") or {}).get("rel")
            if kind == "CreateTableAsStmt"
            else body.get(_RELATION_CREATES[kind])
        )
        if isinstance(rv, dict) and rv.get("relpersistence") != "t" and not rv.get("catalogname"):
            d.create_in(_rv_parts(rv), _ACTIONS.get(kind, "CREATE TABLE AS"))
            if kind == "CreateStmt":
                action = "PARTITION OF" if body.get("partbound") else "INHERITS"
                for parent in body.get("inhRelations") or []:  # ownership of each parent table
                    d.relation("relation-owner", _rv_parts((parent or {}).get("RangeVar")), action)
                _references(d, body, kind)
    elif kind in _NAME_LIST_CREATES:
        d.create_in(_strings(body.get(_NAME_LIST_CREATES[kind])), _ACTIONS[kind])
    if kind == "ViewStmt" and body.get("replace"):
        # replacing a view there now: ownership (a qualified name only, as for functions below)
        parts = _rv_parts(body.get("view"))
        if parts and len(parts) == 2:
            d.relation("relation-owner", parts, "CREATE OR REPLACE VIEW")
    elif kind == "CreateFunctionStmt":
        fparts = _strings(body.get("funcname"))
        action = "CREATE OR REPLACE FUNCTION" if body.get("replace") else "CREATE FUNCTION"
        d.create_in(fparts, action)
        name = _qualified(fparts)
        # only a qualified name: unqualified, to_regprocedure would also find a function of another
        # schema on the search path, which CREATE OR REPLACE does not replace
        if body.get("replace") and name is not None and len(fparts or []) == 2 and d.scope.certain(fparts):
            params = [
                p.get("FunctionParameter", {}) for p in body.get("parameters") or [] if isinstance(p, dict)
            ]
            sig = _signature(name, [p.get("argType") for p in params if p.get("mode") in _IN_MODES])
            if sig is not None:
                d.add("function-owner", sig, action)


def _statement_needs(node: dict[str, Any], where: str, scope: _Scope) -> list[Need]:
    """The needs of one statement (pure), given what the steps before it did (``scope``)."""
    kind, body = next(iter(node.items()))
    if not isinstance(body, dict):
        return []
    d = _Deriver(where, scope)
    if kind in _RELATION_OWNED:
        objtype = str(body.get("objtype", ""))
        action = (
            _ALTER_TABLE_ACTIONS.get(objtype, _ACTIONS[kind]) if kind == "AlterTableStmt" else _ACTIONS[kind]
        )
        cmds = [(c or {}).get("AlterTableCmd", {}) for c in body.get("cmds") or []]
        owners = {_role_name(c.get("newowner")) for c in cmds if c.get("subtype") == "AT_ChangeOwner"}
        if kind == "AlterTableStmt" and len(owners) == 1 and len(cmds) == 1 and None not in owners:
            # OWNER TO alone checks nothing when the relation already belongs to the new owner
            d.relation(
                "relation-owner-to", _rv_parts(body.get("relation")), f"{action} OWNER TO", owners.pop()
            )
        else:
            d.relation("relation-owner", _rv_parts(body.get(_RELATION_OWNED[kind])), action)
        if kind == "AlterTableStmt":
            _references(d, body, kind)
    elif kind in _TYPE_OWNED:
        d.type("type-owner", body.get("typeName"), _ACTIONS[kind])
    elif kind == "AlterFunctionStmt":
        d.function("function-owner", body.get("func"), "ALTER FUNCTION")
    elif kind == "DropStmt":
        _drop(d, body)
    elif kind == "RenameStmt":
        _rename(d, body)
    elif kind == "AlterObjectSchemaStmt":
        _set_schema(d, body)
    elif kind == "AlterOwnerStmt":
        _owner(d, body)
    elif kind == "CommentStmt":
        _comment(d, body)
    elif kind == "GrantStmt":
        _grant(d, body)
    elif kind == "CreateTrigStmt":
        _trigger(d, body)
    elif kind == "RefreshMatViewStmt":
        d.relation("matview-refresh", _rv_parts(body.get("relation")), "REFRESH MATERIALIZED VIEW")
    elif kind == "CreateExtensionStmt":
        _extension(d, body)
    elif kind == "AlterDefaultPrivilegesStmt":
        _default_privileges(d, body)
    else:
        _create(d, kind, body)
    return d.needs


def _object_parts(obj: Any) -> list[str]:
    """The names of an object node: a List, a TypeName, an ObjectWithArgs or a String."""
    if not isinstance(obj, dict):
        return []
    if "ObjectWithArgs" in obj:
        return _function_parts(obj["ObjectWithArgs"]) or []
    if "String" in obj:
        return [s] if (s := _string(obj)) is not None else []
    return _type_parts(obj) or []


def _touched_names(node: dict[str, Any]) -> list[str]:
    """The bare names of objects a statement creates, drops, renames or moves (temporary or not)."""
    kind, body = next(iter(node.items()))
    if not isinstance(body, dict):
        return []
    names: list[str] = []
    if kind in _RELATION_CREATES or kind == "CreateTableAsStmt":
        rv = (
            (body.get("into") or {}).get("rel")
            if kind == "CreateTableAsStmt"
            else body[_RELATION_CREATES[kind]]
        )
        names += (_rv_parts(rv) or [])[-1:]
    elif kind in _NAME_LIST_CREATES or kind == "CreateFunctionStmt":
        names += (_strings(body.get(_NAME_LIST_CREATES.get(kind, "funcname"))) or [])[-1:]
    elif kind in ("CreateSchemaStmt", "IndexStmt"):
        names += [body[k] for k in ("schemaname", "idxname") if isinstance(body.get(k), str)]
    elif kind == "DropStmt" and body.get("removeType") not in _ON_TABLE:
        for obj in body.get("objects") or []:
            names += _object_parts(obj)[-1:]
    elif kind in ("RenameStmt", "AlterObjectSchemaStmt"):
        if body.get("renameType") in _ON_TABLE | {
            "OBJECT_COLUMN",
            "OBJECT_TABCONSTRAINT",
            "OBJECT_ATTRIBUTE",
        }:
            return []
        obj = body.get("object")
        names += (_rv_parts(body.get("relation")) or _object_parts(obj))[-1:]
        names += [body[k] for k in ("newname", "subname") if isinstance(body.get(k), str)]
    return names


def _sets_role(low: str) -> bool:
    """Whether a statement's lower-cased text sets the role (inside a DO block or a set_config call)."""
    return ("role" in low or "authorization" in low) and _SETS_ROLE.search(low) is not None


def _changes_role(node: dict[str, Any] | None, low: str) -> bool:
    kind, body = next(iter(node.items())) if node else ("", None)
    if kind == "GrantRoleStmt":
        return True
    if kind == "VariableSetStmt" and isinstance(body, dict):
        return str(body.get("name", "")).lower() in ("role", "session_authorization")
    return _sets_role(low)


def _changes_search_path(node: dict[str, Any] | None, low: str) -> bool:
    kind, body = next(iter(node.items())) if node else ("", None)
    if kind == "VariableSetStmt" and isinstance(body, dict) and body.get("name") == "search_path":
        return True
    return "search_path" in low


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


def _step_nodes(step: SqlStep) -> Iterator[dict[str, Any]]:
    """The parse trees of a step: the one the apply's split kept, else parsed now (ParseError)."""
    if step.node is not None:
        yield step.node
        return
    for s in json.loads(parse_sql_json(step.text)).get("stmts", []):
        yield s["stmt"]


def _parsed(unit: Unit) -> list[tuple[dict[str, Any] | None, str, str]] | None:
    """(tree or None for a statement whose tree the apply did not keep, ``path:line``, lower-cased
    text) of each statement of ``unit``; None when a step does not parse."""
    out: list[tuple[dict[str, Any] | None, str, str]] = []
    try:
        for step in unit.steps:
            where, low = f"{step.path}:{step.line}", step.text.lower()
            if step.node is None and step.kind:
                out.append((None, where, low))  # a data statement: its text is enough
                continue
            out.extend((node, where, low) for node in _step_nodes(step))
    except ParseError:
        return None
    return out


def needs_of(units: Iterable[Unit], history: History | None = None) -> tuple[Need, ...]:
    """The rights ``units`` certainly need, in the order the apply runs them (pure): the history
    table's (when ``history`` is given) before each unit's steps.

    A unit whose steps do not all parse, or that changes its role, contributes only the history
    table's needs that come before its steps."""
    needs: list[Need] = []
    scope = _Scope()
    for unit in units:
        parsed = _parsed(unit)
        if parsed is None:
            if history is not None:
                needs.extend(_history_needs(unit, history, role_changed=True))
            continue
        role_changed = any(_changes_role(node, low) for node, _, low in parsed)
        if history is not None:
            needs.extend(_history_needs(unit, history, role_changed))
        if role_changed:
            continue
        for node, where, low in parsed:
            if node is None:
                scope.search_path_changed |= "search_path" in low
                continue
            if _changes_search_path(node, low) or "CreateSchemaStmt" in node:
                # from here on, unqualified names are left to the apply (a new schema may be the
                # role's own, first on the search path as "$user")
                scope.search_path_changed = True
            needs.extend(_statement_needs(node, where, scope))
            scope.touch(_touched_names(node))
    return tuple(needs)


def _message(need: Need, obj: str, role: str, noun: str | None) -> str:
    detail = "a privilege" if need.detail == "ALL" else need.detail or ""
    if need.kind.endswith("-owner-to") and not detail:
        detail = "CURRENT_USER"
    right = RIGHT_NAMES[need.kind].format(noun=noun or "object", detail=detail)
    effect = ""
    if need.kind.endswith("-grant"):
        effect = " (PostgreSQL refuses it, or only warns and grants nothing)"
    elif need.kind.endswith("-revoke"):
        effect = " (PostgreSQL refuses it to a role without any privilege on the object)"
    return (
        f"{need.where}: role {role!r} lacks {right} {obj!r} (needed by {need.action}{effect}): "
        "nothing was backed up or changed"
    )


def missing_right(conn: psycopg.Connection, needs: tuple[Need, ...]) -> str | None:
    """The first need the connected role does not hold, as a one-line message; ``None`` when all are
    held (or cannot be decided now)."""
    if not needs:
        return None
    query = load_sql("pgconsolidate.deploy.queries", "rights_held.sql").encode()
    params = {
        "kinds": [n.kind for n in needs],
        "names": [n.name for n in needs],
        "details": [_privilege_list(n) for n in needs],
    }
    try:
        with conn.transaction():  # a savepoint when the caller is in a transaction
            rows = conn.execute(query, params, prepare=False).fetchall()
    except psycopg.errors.InsufficientPrivilege:
        # a name in a schema the role may not use (no USAGE): the apply's own lookup of it fails alike;
        # find which need it is, one by one
        return _first_unusable(conn, query, needs)
    except psycopg.Error as exc:
        raise DatabaseError(f"checking the rights the apply needs: {one_line(exc)}") from None
    for need, (_, held, obj, role, noun) in zip(needs, rows, strict=True):
        if held is False:
            return _message(need, obj, role, noun)
    return None


def _first_unusable(conn: psycopg.Connection, query: bytes, needs: tuple[Need, ...]) -> str | None:
    """The first need whose check PostgreSQL refuses for lack of a privilege (``permission denied for
    schema``), or whose right is missing, one query each (only after the batch query was refused)."""
    for need in needs:
        one = {"kinds": [need.kind], "names": [need.name], "details": [_privilege_list(need)]}
        try:
            with conn.transaction():
                row = conn.execute(query, one, prepare=False).fetchone()
        except psycopg.errors.InsufficientPrivilege as exc:
            role = conn.execute("SELECT current_user::text").fetchone()
            return (
                f"{need.where}: role {role[0] if role else '?'!r} cannot use {need.name} "
                f"({one_line(exc)}; needed by {need.action}): nothing was backed up or changed"
            )
        except psycopg.Error as exc:
            raise DatabaseError(f"checking the rights the apply needs: {one_line(exc)}") from None
        if row is not None and row[1] is False:
            return _message(need, row[2], row[3], row[4])
    return None


def _privilege_list(need: Need) -> str | None:
    """What the query checks (any of them is enough) for a GRANT: ``P WITH GRANT OPTION`` (``ALL``: any
    of the object's privileges), for a REVOKE: any of the object's privileges."""
    if need.kind.endswith("-revoke"):
        return ", ".join(_ALL_PRIVILEGES[need.kind.removesuffix("-revoke")])
    if not need.kind.endswith("-grant") or need.detail is None:
        return need.detail
    target = need.kind.removesuffix("-grant")
    privileges = _ALL_PRIVILEGES[target] if need.detail in ("ALL", "ALL PRIVILEGES") else (need.detail,)
    return ", ".join(f"{p} WITH GRANT OPTION" for p in privileges)
