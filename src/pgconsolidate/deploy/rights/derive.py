"""The table of rules: statement kind (the parse tree's node type) → the function that derives the rights
a statement of that kind certainly needs (pure). One place to look for each kind: :data:`RULES`; kinds
that need no right, or whose rights are left to the apply's own error, are in :data:`NO_RULE` with the
reason. A kind in neither is a statement shape nobody has looked at yet: in a migration it is left to the
apply's own error; in the SQL ``generate/`` writes, ``tests/deploy/test_s9_h8_rights_shapes.py`` fails on
it (:func:`covered`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pgconsolidate.deploy.rights import data
from pgconsolidate.deploy.rights.model import Need
from pgconsolidate.deploy.rights.names import (
    list_strings,
    object_parts,
    qualified,
    role_name,
    rv_parts,
    signature,
    string,
    strings,
)
from pgconsolidate.deploy.rights.scope import Deriver, Scope

RELATIONS = {"OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_SEQUENCE", "OBJECT_FOREIGN_TABLE"}
DROP_RELATIONS = RELATIONS | {"OBJECT_INDEX"}
FUNCTIONS = {"OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"}
TYPES = {"OBJECT_TYPE", "OBJECT_DOMAIN"}
ON_TABLE = {"OBJECT_TRIGGER", "OBJECT_POLICY", "OBJECT_RULE"}  # objects named (schema, table, name)
TABLE_PARTS = {"OBJECT_COLUMN", "OBJECT_TABCONSTRAINT", "OBJECT_ATTRIBUTE"}
# renames that need ownership of the relation the statement names (the renamed object's or its table's)
_RENAME_ON_RELATION = DROP_RELATIONS | ON_TABLE | TABLE_PARTS
_COMMENT_ON_TABLE_PART = ON_TABLE | {"OBJECT_COLUMN", "OBJECT_TABCONSTRAINT"}
_IN_MODES = {"FUNC_PARAM_IN", "FUNC_PARAM_INOUT", "FUNC_PARAM_VARIADIC", "FUNC_PARAM_DEFAULT"}
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
ALL_PRIVILEGES = {
    "table": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
    "sequence": ("USAGE", "SELECT", "UPDATE"),
    "function": ("EXECUTE",),
    "schema": ("USAGE", "CREATE"),
    "type": ("USAGE",),
}
_COLUMN_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "REFERENCES")
_IN_SCHEMA = {
    "OBJECT_TABLE": "tables",
    "OBJECT_SEQUENCE": "sequences",
    "OBJECT_FUNCTION": "functions",
    "OBJECT_PROCEDURE": "procedures",
    "OBJECT_ROUTINE": "routines",
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


# --- CREATE ----------------------------------------------------------------------------------------


def _create_schema(d: Deriver, body: dict[str, Any]) -> None:
    d.add("database-create", None, "CREATE SCHEMA")


_CREATED_RELATION = {
    "CreateStmt": ("relation", "CREATE TABLE"),
    "ViewStmt": ("view", "CREATE VIEW"),
    "CreateSeqStmt": ("sequence", "CREATE SEQUENCE"),
    "CompositeTypeStmt": ("typevar", "CREATE TYPE"),
}
_CREATED_TYPE = {
    "CreateEnumStmt": ("typeName", "CREATE TYPE"),
    "CreateRangeStmt": ("typeName", "CREATE TYPE"),
    "CreateDomainStmt": ("domainname", "CREATE DOMAIN"),
}


def created_relation(kind: str, body: dict[str, Any]) -> Any:
    """The RangeVar of the relation a CREATE TABLE / VIEW / SEQUENCE / TYPE AS / TABLE AS makes."""
    if kind == "CreateTableAsStmt":
        return (body.get("into") or {}).get("rel")
    return body.get(_CREATED_RELATION[kind][0])


def _create_relation(d: Deriver, body: dict[str, Any]) -> None:
    """CREATE on the schema (not for a temporary relation); a table ``PARTITION OF`` / ``INHERITS``:
    ownership of each parent; a foreign key: REFERENCES on the table it points to; ``CREATE OR REPLACE
    VIEW`` of a view there now: its ownership."""
    rv = created_relation(d.kind, body)
    if isinstance(rv, dict) and rv.get("relpersistence") != "t" and not rv.get("catalogname"):
        d.create_in(rv_parts(rv), _CREATED_RELATION.get(d.kind, ("", "CREATE TABLE AS"))[1])
        if d.kind == "CreateStmt":
            action = "PARTITION OF" if body.get("partbound") else "INHERITS"
            for parent in body.get("inhRelations") or []:  # ownership of each parent table
                d.relation("relation-owner", rv_parts((parent or {}).get("RangeVar")), action)
            _references(d, body)
    _query_reads(d, body)
    if d.kind == "ViewStmt" and body.get("replace"):
        # replacing a view there now: ownership (a qualified name only, as for functions)
        parts = rv_parts(body.get("view"))
        if parts and len(parts) == 2:
            d.relation("relation-owner", parts, "CREATE OR REPLACE VIEW")


def _query_reads(d: Deriver, body: dict[str, Any]) -> None:
    """A view's query: USAGE on the schema of each table it names (looked up when the view is made; the
    rows are read with the view owner's rights later). ``CREATE TABLE AS`` / a materialized view made
    WITH DATA runs its query: SELECT as for a SELECT (:mod:`.data`)."""
    query = (body.get("query") or {}).get("SelectStmt")
    if not isinstance(query, dict):
        return
    reads = data.Reads()
    data.select_reads(query, [], set(), reads)
    if d.kind == "ViewStmt":
        for schema in dict.fromkeys(parts[0] for parts in reads.tables if len(parts) == 2):
            d.schema("schema-usage", schema, "CREATE VIEW")
    elif not (body.get("into") or {}).get("skipData"):
        matview = body.get("objtype") == "OBJECT_MATVIEW"
        data.select_needs(d, reads, "CREATE MATERIALIZED VIEW" if matview else "CREATE TABLE AS")


def _create_type(d: Deriver, body: dict[str, Any]) -> None:
    field, action = _CREATED_TYPE[d.kind]
    d.create_in(strings(body.get(field)), action)


def _create_function(d: Deriver, body: dict[str, Any]) -> None:
    """CREATE on the schema; ``CREATE OR REPLACE`` of a function there now (same argument types):
    its ownership — only for a qualified name: unqualified, ``to_regprocedure`` would also find a
    function of another schema on the search path, which CREATE OR REPLACE does not replace."""
    fparts = strings(body.get("funcname"))
    action = "CREATE OR REPLACE FUNCTION" if body.get("replace") else "CREATE FUNCTION"
    d.create_in(fparts, action)
    name = qualified(fparts)
    if body.get("replace") and name is not None and len(fparts or []) == 2 and d.scope.certain(fparts):
        params = [p.get("FunctionParameter", {}) for p in body.get("parameters") or [] if isinstance(p, dict)]
        sig = signature(name, [p.get("argType") for p in params if p.get("mode") in _IN_MODES])
        if sig is not None:
            d.add("function-owner", sig, action)


def _references(d: Deriver, body: dict[str, Any]) -> None:
    """REFERENCES on the table each foreign key of a CREATE TABLE or ALTER TABLE ... ADD points to."""
    nodes: list[Any] = []
    if d.kind == "CreateStmt":
        for elt in body.get("tableElts") or []:
            nodes += (elt or {}).get("ColumnDef", {}).get("constraints") or []
            nodes.append(elt)
    else:
        nodes = [(c or {}).get("AlterTableCmd", {}).get("def") for c in body.get("cmds") or []]
    for node in nodes:
        con = node.get("Constraint") if isinstance(node, dict) else None
        if isinstance(con, dict) and con.get("contype") == "CONSTR_FOREIGN":
            d.relation("table-references", rv_parts(con.get("pktable")), "FOREIGN KEY")


def _trigger(d: Deriver, body: dict[str, Any]) -> None:
    """TRIGGER on the table, EXECUTE on the trigger function (which takes no arguments)."""
    d.relation("table-trigger", rv_parts(body.get("relation")), "CREATE TRIGGER")
    fparts = strings(body.get("funcname"))
    name = qualified(fparts)
    if name is not None and d.scope.certain(fparts):
        d.add("function-execute", f"{name}()", "CREATE TRIGGER")


def _extension(d: Deriver, body: dict[str, Any]) -> None:
    """Superuser (or, trusted, CREATE on the database) for an extension not installed (the query)."""
    version = None
    for opt in body.get("options") or []:
        de = (opt or {}).get("DefElem", {})
        if de.get("defname") == "new_version":
            version = string(de.get("arg"))
            if version is None:
                return
    if isinstance(body.get("extname"), str):
        d.add("extension-create", body["extname"], "CREATE EXTENSION", version)


# --- ALTER, owned objects ----------------------------------------------------------------------------

_RELATION_OWNED = {
    "AlterTableStmt": ("relation", "ALTER TABLE"),
    "IndexStmt": ("relation", "CREATE INDEX"),
    "CreatePolicyStmt": ("table", "CREATE POLICY"),
    "AlterPolicyStmt": ("table", "ALTER POLICY"),
    "AlterSeqStmt": ("sequence", "ALTER SEQUENCE"),
}
_TYPE_OWNED = {
    "AlterEnumStmt": "ALTER TYPE",
    "AlterDomainStmt": "ALTER DOMAIN",
    "AlterTypeStmt": "ALTER TYPE",
}


def _relation_owned(d: Deriver, body: dict[str, Any]) -> None:
    """Ownership of the relation (ALTER TABLE alone ``OWNER TO`` a role: also SET ROLE to it)."""
    field, action = _RELATION_OWNED[d.kind]
    if d.kind == "AlterTableStmt":
        action = _ALTER_TABLE_ACTIONS.get(str(body.get("objtype", "")), action)
    cmds = [(c or {}).get("AlterTableCmd", {}) for c in body.get("cmds") or []]
    owners = {role_name(c.get("newowner")) for c in cmds if c.get("subtype") == "AT_ChangeOwner"}
    if d.kind == "AlterTableStmt" and len(owners) == 1 and len(cmds) == 1 and None not in owners:
        # OWNER TO alone: ownership in any case, SET ROLE only for a new owner (the query)
        new = owners.pop()
        d.relation("relation-owner-to", rv_parts(body.get("relation")), f"{action} OWNER TO", new)
        d.relation("relation-new-owner", rv_parts(body.get("relation")), f"{action} OWNER TO", new)
    else:
        d.relation("relation-owner", rv_parts(body.get(field)), action)
    if d.kind == "AlterTableStmt":
        _references(d, body)


def _type_owned(d: Deriver, body: dict[str, Any]) -> None:
    d.type("type-owner", body.get("typeName"), _TYPE_OWNED[d.kind])


def _alter_function(d: Deriver, body: dict[str, Any]) -> None:
    d.function("function-owner", body.get("func"), "ALTER FUNCTION")


def _refresh(d: Deriver, body: dict[str, Any]) -> None:
    d.relation("matview-refresh", rv_parts(body.get("relation")), "REFRESH MATERIALIZED VIEW")


def _drop(d: Deriver, body: dict[str, Any]) -> None:
    """Ownership of the object or of its schema; of the table of a trigger, policy or rule (only when
    it exists: ``DROP ... IF EXISTS`` of none checks nothing); of a schema."""
    kind = body.get("removeType")
    for obj in body.get("objects") or []:
        if kind in DROP_RELATIONS:
            d.relation("relation-drop", list_strings(obj), "DROP")
        elif kind in FUNCTIONS:
            d.function("function-drop", (obj or {}).get("ObjectWithArgs"), "DROP")
        elif kind in TYPES:
            d.type("type-drop", obj, "DROP")
        elif kind in ON_TABLE:
            parts = list_strings(obj)
            what = str(kind).removeprefix("OBJECT_")
            if parts:
                d.relation(f"{what.lower()}-drop", parts[:-1], f"DROP {what}", parts[-1])
        elif kind == "OBJECT_SCHEMA":
            d.schema("schema-owner", string(obj), "DROP SCHEMA")


def _rename(d: Deriver, body: dict[str, Any]) -> None:
    kind = body.get("renameType")
    action = "RENAME"
    if kind in _RENAME_ON_RELATION:
        d.relation("relation-owner", rv_parts(body.get("relation")), action)
    elif kind in FUNCTIONS:
        d.function("function-owner", body.get("object", {}).get("ObjectWithArgs"), action)
    elif kind in TYPES or kind == "OBJECT_DOMCONSTRAINT":
        d.type("type-owner", body.get("object"), action)
    elif kind == "OBJECT_SCHEMA":
        d.schema("schema-owner", body.get("subname"), "ALTER SCHEMA RENAME")
        d.add("database-create", None, "ALTER SCHEMA RENAME")


def _set_schema(d: Deriver, body: dict[str, Any]) -> None:
    """Ownership, and CREATE on the schema it moves to (not checked by ``IF EXISTS``)."""
    kind = body.get("objectType")
    before = len(d.needs)
    if kind in RELATIONS:
        d.relation("relation-owner", rv_parts(body.get("relation")), "SET SCHEMA")
    elif kind in FUNCTIONS:
        d.function("function-owner", (body.get("object") or {}).get("ObjectWithArgs"), "SET SCHEMA")
    elif kind in TYPES:
        d.type("type-owner", body.get("object"), "SET SCHEMA")
    if len(d.needs) > before and not body.get("missing_ok"):
        d.schema("schema-create", body.get("newschema"), "SET SCHEMA")


def _owner(d: Deriver, body: dict[str, Any]) -> None:
    """``OWNER TO`` a role of a function, type or schema: nothing is checked when the object already
    belongs to it; otherwise its ownership, the right to SET ROLE to the new owner (membership before
    PostgreSQL 16), and the new owner's CREATE on the object's schema (on the database, for a schema),
    unless the role is a superuser. (``ALTER TABLE ... OWNER TO`` checks ownership in any case.)"""
    kind = body.get("objectType")
    obj = body.get("object")
    new = role_name(body.get("newowner"))
    if new is None:
        return
    if kind in FUNCTIONS:
        d.function("function-owner-to", (obj or {}).get("ObjectWithArgs"), "OWNER TO", new)
        d.function("function-new-owner", (obj or {}).get("ObjectWithArgs"), "OWNER TO", new)
    elif kind in TYPES:
        d.type("type-owner-to", obj, "OWNER TO", new)
        d.type("type-new-owner", obj, "OWNER TO", new)
    elif kind == "OBJECT_SCHEMA":
        d.schema("schema-owner-to", string(obj), "ALTER SCHEMA OWNER TO", new)
        d.schema("schema-new-owner", string(obj), "ALTER SCHEMA OWNER TO", new)
    elif kind == "OBJECT_PUBLICATION" and string(obj) is not None:
        d.add("publication-owner-to", string(obj), "ALTER PUBLICATION OWNER TO", new)
        d.add("publication-new-owner", string(obj), "ALTER PUBLICATION OWNER TO", new)


def _comment(d: Deriver, body: dict[str, Any]) -> None:
    kind = body.get("objtype")
    obj = body.get("object")
    action = "COMMENT ON"
    if kind in DROP_RELATIONS:
        d.relation("relation-owner", list_strings(obj), action)
    elif kind in _COMMENT_ON_TABLE_PART:
        parts = list_strings(obj)
        d.relation("relation-owner", parts[:-1] if parts else None, action)
    elif kind in FUNCTIONS:
        d.function("function-owner", (obj or {}).get("ObjectWithArgs"), action)
    elif kind in TYPES:
        d.type("type-owner", obj, action)
    elif kind == "OBJECT_SCHEMA":
        d.schema("schema-owner", string(obj), action)


# --- privileges --------------------------------------------------------------------------------------


def _grant(d: Deriver, body: dict[str, Any]) -> None:
    """GRANT: the privilege WITH GRANT OPTION (``ALL``: any); REVOKE: any privilege on the object. On
    columns, the same on each column (a table privilege covers its columns)."""
    target = _GRANT_TARGETS.get(str(body.get("objtype")))
    if body.get("targtype") == "ACL_TARGET_ALL_IN_SCHEMA":
        _grant_in_schema(d, body)
        return
    if body.get("targtype") != "ACL_TARGET_OBJECT" or target is None:
        return
    action = "GRANT" if body.get("is_grant") else "REVOKE"
    privileges: list[str] = []
    columns: list[tuple[str, tuple[str, ...]]] = []  # (privilege, columns)
    for p in body.get("privileges") or []:
        priv = (p or {}).get("AccessPriv", {})
        name = str(priv.get("priv_name") or "ALL").upper()
        cols = tuple(strings(priv.get("cols")) or ())
        if cols and target == "table" and (name in _COLUMN_PRIVILEGES or name == "ALL"):
            columns.append((name, cols))
        elif not priv.get("cols") and name in ALL_PRIVILEGES[target]:
            # MAINTAIN, a privilege of another object type: left to the apply
            privileges.append(name)
    if not body.get("privileges"):
        privileges = ["ALL"]
    kind = f"{target}-grant"
    if not body.get("is_grant"):  # REVOKE: refused only by a role without any privilege on the object
        kind, privileges = f"{target}-revoke", ["ALL"] if privileges else []
    for obj in body.get("objects") or []:
        for priv in privileges:
            if target in ("table", "sequence"):
                d.relation(kind, rv_parts((obj or {}).get("RangeVar")), action, priv)
            elif target == "function":
                d.function(kind, (obj or {}).get("ObjectWithArgs"), action, priv)
            elif target == "schema":
                d.schema(kind, string(obj), action, priv)
            else:
                d.type(kind, obj, action, priv)
        for priv, cols in columns:
            rel = rv_parts((obj or {}).get("RangeVar"))
            if body.get("is_grant"):
                listed = _COLUMN_PRIVILEGES if priv == "ALL" else (priv,)
                d.relation(
                    "column-grant", rel, action, ", ".join(f"{p} WITH GRANT OPTION" for p in listed), cols
                )
            else:
                d.relation("column-revoke", rel, action, ", ".join(_COLUMN_PRIVILEGES), cols)


def _grant_in_schema(d: Deriver, body: dict[str, Any]) -> None:
    """``GRANT/REVOKE ... ON ALL TABLES/SEQUENCES/FUNCTIONS/PROCEDURES/ROUTINES IN SCHEMA s``: USAGE on
    ``s`` (PostgreSQL looks the schema up first), and some privilege on each such object in it now
    (PostgreSQL refuses the whole statement for one the role has none on; with some but no grant option
    it only warns: many objects in a schema are an extension's, and the project's own tool leaves them
    so); objects of a name an earlier step dropped, renamed or moved are left out (those it created
    are the role's own)."""
    what = _IN_SCHEMA.get(str(body.get("objtype")))
    if what is None:
        return
    action = f"{'GRANT' if body.get('is_grant') else 'REVOKE'} ON ALL {what.upper()} IN SCHEMA"
    skip = d.scope.gone_names()
    for obj in body.get("objects") or []:
        schema = string(obj)
        d.schema("schema-usage", schema, action)
        d.schema(f"{what}-in-schema", schema, action, None, skip)


def _publication(d: Deriver, body: dict[str, Any]) -> None:
    """``CREATE PUBLICATION``: CREATE on the database; ``ALTER PUBLICATION``: its ownership. Tables added
    (``FOR TABLE``, ``ADD``/``SET TABLE``): ownership of each; ``FOR ALL TABLES`` / ``TABLES IN SCHEMA``:
    a superuser."""
    name = body.get("pubname")
    if not isinstance(name, str):
        return
    create = d.kind == "CreatePublicationStmt"
    action = "CREATE PUBLICATION" if create else "ALTER PUBLICATION"
    if create:
        d.add("database-create", None, action)
    elif name not in d.scope.touched:
        d.add("publication-owner", name, action)
    adds = create or body.get("action") in ("AP_AddObjects", "AP_SetObjects")
    if create and body.get("for_all_tables"):
        d.add("publication-superuser", name, f"{action} FOR ALL TABLES")
    for obj in body.get("pubobjects") or [] if adds else []:
        spec = (obj or {}).get("PublicationObjSpec", {})
        if spec.get("pubobjtype") == "PUBLICATIONOBJ_TABLE":
            d.relation("relation-owner", rv_parts((spec.get("pubtable") or {}).get("relation")), action)
        elif spec.get("pubobjtype") != "PUBLICATIONOBJ_CONTINUATION":
            d.add("publication-superuser", name, f"{action} TABLES IN SCHEMA")


def _default_privileges(d: Deriver, body: dict[str, Any]) -> None:
    """``ALTER DEFAULT PRIVILEGES FOR ROLE r``: the right to SET ROLE to ``r`` (membership before 16)."""
    for opt in body.get("options") or []:
        de = (opt or {}).get("DefElem", {})
        if de.get("defname") != "roles":
            continue
        for item in (de.get("arg") or {}).get("List", {}).get("items") or []:
            role = role_name((item or {}).get("RoleSpec"))
            if role:
                d.add("role-set", role, "ALTER DEFAULT PRIVILEGES FOR ROLE", role)


#: statement kind → the function that derives its needs
RULES: dict[str, Callable[[Deriver, dict[str, Any]], None]] = {
    "CreateSchemaStmt": _create_schema,
    **dict.fromkeys(("CreateStmt", "ViewStmt", "CreateSeqStmt", "CompositeTypeStmt"), _create_relation),
    "CreateTableAsStmt": _create_relation,
    **dict.fromkeys(_CREATED_TYPE, _create_type),
    "CreateFunctionStmt": _create_function,
    "CreateTrigStmt": _trigger,
    "CreateExtensionStmt": _extension,
    **dict.fromkeys(_RELATION_OWNED, _relation_owned),
    **dict.fromkeys(_TYPE_OWNED, _type_owned),
    "AlterFunctionStmt": _alter_function,
    "RefreshMatViewStmt": _refresh,
    "DropStmt": _drop,
    "RenameStmt": _rename,
    "AlterObjectSchemaStmt": _set_schema,
    "AlterOwnerStmt": _owner,
    "CommentStmt": _comment,
    "GrantStmt": _grant,
    "AlterDefaultPrivilegesStmt": _default_privileges,
    "CreatePublicationStmt": _publication,
    "AlterPublicationStmt": _publication,
    **data.RULES,
}

#: statement kinds without a rule, and why
NO_RULE: dict[str, str] = {
    "VariableSetStmt": "SET needs no privilege (SET ROLE / search_path change what later steps resolve)",
    "TransactionStmt": "the runner owns the transaction (units.py refuses one inside a file)",
    "GrantRoleStmt": "changes the role: the rest of the unit is left to the apply",
    "NotifyStmt": "NOTIFY needs no privilege",
    "ListenStmt": "LISTEN needs no privilege",
    "DoStmt": "its static statements get their own rules (plpgsql.py; EXECUTE of a built string is unknown)",
}

#: kinds whose rule dispatches on an object type: the field naming it, and the types the rule handles
_SUBKINDS: dict[str, tuple[str, frozenset[str]]] = {
    "DropStmt": ("removeType", frozenset(DROP_RELATIONS | FUNCTIONS | TYPES | ON_TABLE | {"OBJECT_SCHEMA"})),
    "RenameStmt": (
        "renameType",
        frozenset(_RENAME_ON_RELATION | FUNCTIONS | TYPES | {"OBJECT_DOMCONSTRAINT", "OBJECT_SCHEMA"}),
    ),
    "AlterObjectSchemaStmt": ("objectType", frozenset(RELATIONS | FUNCTIONS | TYPES)),
    "AlterOwnerStmt": ("objectType", frozenset(FUNCTIONS | TYPES | {"OBJECT_SCHEMA", "OBJECT_PUBLICATION"})),
    "CommentStmt": (
        "objtype",
        frozenset(DROP_RELATIONS | _COMMENT_ON_TABLE_PART | FUNCTIONS | TYPES | {"OBJECT_SCHEMA"}),
    ),
    "GrantStmt": ("objtype", frozenset(_GRANT_TARGETS)),
}


def shape(node: dict[str, Any]) -> str:
    """A statement's shape: its kind, and the object type for the kinds whose rule depends on it
    (``DropStmt/OBJECT_TABLE``)."""
    kind, body = next(iter(node.items()))
    sub = _SUBKINDS.get(kind)
    if sub is None or not isinstance(body, dict):
        return kind
    return f"{kind}/{body.get(sub[0])}"


def covered(node: dict[str, Any]) -> bool:
    """Whether a rule (or a reason for none) exists for the statement's shape."""
    kind, body = next(iter(node.items()))
    if kind in NO_RULE:
        return True
    if kind not in RULES:
        return False
    sub = _SUBKINDS.get(kind)
    return sub is None or (isinstance(body, dict) and body.get(sub[0]) in sub[1])


def statement_needs(node: dict[str, Any], where: str, scope: Scope) -> list[Need]:
    """The needs of one statement (pure), given what the steps before it did (``scope``)."""
    kind, body = next(iter(node.items()))
    rule = RULES.get(kind)
    if rule is None or not isinstance(body, dict):
        return []
    d = Deriver(kind, where, scope)
    rule(d, body)
    return d.needs


def touched_names(node: dict[str, Any]) -> list[str]:
    """The bare names of objects a statement creates, drops, renames or moves (temporary or not)."""
    kind, body = next(iter(node.items()))
    if not isinstance(body, dict):
        return []
    out: list[str] = []
    if kind in _CREATED_RELATION or kind == "CreateTableAsStmt":
        out += (rv_parts(created_relation(kind, body)) or [])[-1:]
    elif kind in _CREATED_TYPE or kind == "CreateFunctionStmt":
        field = _CREATED_TYPE[kind][0] if kind in _CREATED_TYPE else "funcname"
        out += (strings(body.get(field)) or [])[-1:]
    elif kind in ("CreateSchemaStmt", "IndexStmt"):
        out += [body[k] for k in ("schemaname", "idxname") if isinstance(body.get(k), str)]
    elif kind == "DropStmt" and body.get("removeType") not in ON_TABLE:
        for obj in body.get("objects") or []:
            out += object_parts(obj)[-1:]
    elif kind in ("RenameStmt", "AlterObjectSchemaStmt"):
        if body.get("renameType") in ON_TABLE | TABLE_PARTS:
            return []
        out += (rv_parts(body.get("relation")) or object_parts(body.get("object")))[-1:]
        out += [body[k] for k in ("newname", "subname") if isinstance(body.get(k), str)]
    return out


Pair = tuple[str | None, str]  # (schema, or None for an unqualified name; name)


def _pair(parts: list[str] | None) -> list[Pair]:
    if not parts or len(parts) > 2:
        return []
    return [(parts[0], parts[1])] if len(parts) == 2 else [(None, parts[0])]


def touched_pairs(node: dict[str, Any]) -> tuple[list[Pair], list[str]]:
    """What :func:`touched_names` gives, qualified: the (schema, name) of each object (schema None: the
    name was unqualified) and the schemas created, dropped or renamed."""
    kind, body = next(iter(node.items()))
    if not isinstance(body, dict):
        return [], []
    if kind in _CREATED_RELATION or kind == "CreateTableAsStmt":
        return _pair(rv_parts(created_relation(kind, body))), []
    if kind in _CREATED_TYPE or kind == "CreateFunctionStmt":
        return _pair(strings(body.get(_CREATED_TYPE[kind][0] if kind in _CREATED_TYPE else "funcname"))), []
    if kind == "CreateSchemaStmt":
        return [], [body["schemaname"]] if isinstance(body.get("schemaname"), str) else []
    if kind == "IndexStmt" and isinstance(body.get("idxname"), str):  # in its table's schema
        table = rv_parts(body.get("relation")) or []
        return [(table[0] if len(table) == 2 else None, body["idxname"])], []
    if kind == "DropStmt" and body.get("removeType") not in ON_TABLE:
        if body.get("removeType") == "OBJECT_SCHEMA":
            return [], [n for obj in body.get("objects") or [] for n in object_parts(obj)[-1:]]
        return [p for obj in body.get("objects") or [] for p in _pair(object_parts(obj))], []
    if kind in ("RenameStmt", "AlterObjectSchemaStmt"):
        what = body.get("renameType") if kind == "RenameStmt" else body.get("objectType")
        if what in ON_TABLE | TABLE_PARTS:
            return [], []
        if what == "OBJECT_SCHEMA":
            return [], [body[k] for k in ("subname", "newname") if isinstance(body.get(k), str)]
        old = _pair(rv_parts(body.get("relation")) or object_parts(body.get("object")))
        if not old:
            return [], []
        schema, name = old[0]
        new = body.get("newname") if kind == "RenameStmt" else name
        new_schema = schema if kind == "RenameStmt" else body.get("newschema")
        return [*old, (new_schema, str(new))] if isinstance(new, str) else old, []
    return [], []


def gone_names(node: dict[str, Any]) -> list[str]:
    """The bare names of objects there now that a statement drops, renames or moves away."""
    kind, body = next(iter(node.items()))
    if not isinstance(body, dict):
        return []
    if kind == "DropStmt" and body.get("removeType") not in ON_TABLE:
        return [p for obj in body.get("objects") or [] for p in object_parts(obj)[-1:]]
    if kind in ("RenameStmt", "AlterObjectSchemaStmt"):
        if body.get("renameType") in ON_TABLE | TABLE_PARTS:
            return []
        return (rv_parts(body.get("relation")) or object_parts(body.get("object")))[-1:]
    return []
