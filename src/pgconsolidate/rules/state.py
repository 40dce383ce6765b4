"""The schema the migration files intend, folded statement by statement (pure; rule-oriented).

:func:`fold` walks every statement in applied order and keeps, for the objects the rules look at
(tables and columns, indexes, foreign keys, functions, views, policies, RLS, extensions, types), the
definitions in force, the history of each object (create, replace, alter, rename, drop at file:line)
and the events that a real database would reject (a ``CREATE OR REPLACE`` that changes a result type
is not applied). It needs no database: the result is what the files say, not what a server did.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from pgconsolidate.rules.finding import Location
from pgconsolidate.rules.nodes import (
    DEFAULT_SCHEMA,
    def_options,
    drop_object_id,
    function_args,
    object_with_args_id,
    qualify,
    relation_id,
    relation_schema,
    strings,
    type_dimension,
    type_name,
)
from pgconsolidate.statements.model import FileStatements, Statement

VECTOR_TYPES = {"vector", "halfvec", "sparsevec", "bit"}
EXTENSION_TYPES = {
    "vector": "vector",
    "halfvec": "vector",
    "sparsevec": "vector",
    "citext": "citext",
    "hstore": "hstore",
    "ltree": "ltree",
    "geometry": "postgis",
    "geography": "postgis",
    "cube": "cube",
}


def loc(st: Statement) -> Location:
    return Location(st.file, st.line, st.column)


@dataclass(frozen=True)
class Event:
    """Something a statement did to an object."""

    action: str  # create, replace, alter, rename, drop, comment, grant, revoke
    location: Location
    detail: str = ""


@dataclass(frozen=True)
class Arg:
    name: str
    type: str  # without typmods
    full_type: str  # with typmods (vector(1536))
    mode: str  # in, out, inout, variadic, table
    has_default: bool


@dataclass(frozen=True)
class FunctionDef:
    """One definition of a function (CREATE [OR REPLACE] FUNCTION), plus later ALTERs folded in."""

    id: str
    name: str  # schema.name
    args: tuple[Arg, ...]
    returns: str  # result type as printed (setof t, TABLE(a integer), record(...))
    language: str
    definer: bool
    search_path: str | None  # the pinned search_path, None when not set
    volatility: str
    strict: bool
    body: str
    location: Location
    replace: bool
    is_procedure: bool = False
    security_location: Location | None = None  # last ALTER FUNCTION ... SECURITY
    search_path_location: Location | None = None  # last ALTER FUNCTION ... SET/RESET search_path

    @property
    def in_args(self) -> tuple[Arg, ...]:
        return tuple(a for a in self.args if a.mode in ("in", "inout", "variadic"))

    @property
    def required(self) -> int:
        """Number of leading input arguments without a default."""
        n = 0
        for a in self.in_args:
            if a.has_default:
                break
            n += 1
        return n

    def attributes(self) -> dict[str, str]:
        return {
            "security": "definer" if self.definer else "invoker",
            "search_path": self.search_path or "(not set)",
            "volatility": self.volatility,
            "language": self.language,
            "returns": self.returns,
            "strict": "strict" if self.strict else "called on null input",
        }


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # with typmods
    location: Location


@dataclass(frozen=True)
class ForeignKey:
    table: str
    columns: tuple[str, ...]
    ref_table: str
    location: Location


@dataclass(frozen=True)
class Index:
    id: str
    table: str
    columns: tuple[str | None, ...]  # None for an expression
    method: str
    location: Location
    unique: bool = False
    partial: bool = False


@dataclass
class Table:
    id: str
    columns: dict[str, Column]
    location: Location
    statement: Statement
    rls: bool = False
    rls_location: Location | None = None
    primary_key: tuple[str, ...] = ()
    unique_keys: list[tuple[str, ...]] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    partition_of: str | None = None  # parent table of a partition (keys are inherited)


@dataclass(frozen=True)
class Policy:
    id: str
    table: str
    location: Location
    definition: str


@dataclass(frozen=True)
class View:
    id: str
    location: Location
    definition: str
    materialized: bool = False


@dataclass(frozen=True)
class Rejected:
    """A statement a real server would reject, and why."""

    location: Location
    object: str
    reason: str
    previous: Location | None = None


@dataclass
class State:
    """The folded schema and every object's history."""

    tables: dict[str, Table] = field(default_factory=dict)
    indexes: dict[str, Index] = field(default_factory=dict)
    functions: dict[str, FunctionDef] = field(default_factory=dict)
    views: dict[str, View] = field(default_factory=dict)
    policies: dict[str, Policy] = field(default_factory=dict)
    extensions: dict[str, tuple[str, Location]] = field(default_factory=dict)  # name → (schema, where)
    types: dict[str, Location] = field(default_factory=dict)
    history: dict[str, list[Event]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    function_defs: list[tuple[FunctionDef, FunctionDef | None]] = field(default_factory=list)
    overloads_at_create: list[tuple[FunctionDef, tuple[FunctionDef, ...]]] = field(default_factory=list)
    view_defs: list[tuple[View, View | None]] = field(default_factory=list)
    # (index id, column or expression, its type at that point, where): ANN indexes on dimensionless vectors
    dimensionless_indexes: list[tuple[str, str, str, Location]] = field(default_factory=list)
    table_creates: list[tuple[str, Statement, FunctionDef | None]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    column_type_changes: list[tuple[str, str, str, Location, Location]] = field(default_factory=list)
    definitions_by_file: dict[str, set[str]] = field(default_factory=dict)
    creates: list[tuple[str, str, Statement, bool]] = field(default_factory=list)  # id, kind, stmt, guarded
    # grants on functions by target: a function id, a bare name, "schema:<s>" (ALL FUNCTIONS IN SCHEMA),
    # "default:<s>" / "default:*" (ALTER DEFAULT PRIVILEGES); values index ``grants``
    function_grant_index: dict[str, list[int]] = field(default_factory=dict)
    # (statement, "grant"/"revoke"/"default-grant"/"default-revoke", privileges, roles) in applied order
    grants: list[tuple[Statement, str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)

    def record(self, obj: str, kind: str, action: str, st: Statement, detail: str = "") -> None:
        self.kinds.setdefault(obj, kind)
        self.history.setdefault(obj, []).append(Event(action, loc(st), detail))
        if action in ("create", "replace") and kind != "column":
            self.definitions_by_file.setdefault(st.file, set()).add(obj)

    def events(self, obj: str) -> list[Event]:
        return self.history.get(obj, [])


def _bool(node: Any) -> bool:
    if isinstance(node, dict):
        if "Boolean" in node:
            return bool(node["Boolean"].get("boolval", False))
        if "Integer" in node:
            return bool(node["Integer"].get("ival", 0))
        if "String" in node:
            return node["String"].get("sval", "").lower() in ("true", "on", "1")
    return bool(node)


def _sval(node: Any) -> str:
    if isinstance(node, dict):
        if "String" in node:
            return str(node["String"].get("sval", ""))
        if "List" in node:
            return "".join(_sval(i) for i in node["List"].get("items", []))
    return ""


def _set_value(vs: dict[str, Any]) -> str | None:
    """The value a ``SET name = ...`` option sets (None for RESET)."""
    if vs.get("kind") in ("VAR_RESET", "VAR_RESET_ALL"):
        return None
    vals = []
    for a in vs.get("args") or ():
        c = a.get("A_Const", {})
        if "sval" in c:
            vals.append(c["sval"].get("sval", ""))
        elif "ival" in c:
            vals.append(str(c["ival"].get("ival", 0)))
    if vs.get("kind") == "VAR_SET_CURRENT":
        return "FROM CURRENT"
    return ", ".join(vals)


_WS = re.compile(r"\s+")


def normalize_body(body: str) -> str:
    """A function body with comments dropped and whitespace collapsed, for comparisons."""
    body = re.sub(r"--[^\n]*", " ", body)
    body = re.sub(r"/\*.*?\*/", " ", body, flags=re.S)
    return _WS.sub(" ", body).strip().rstrip(";").strip().lower()


_MODES = {
    "FUNC_PARAM_IN": "in",
    "FUNC_PARAM_DEFAULT": "in",
    "FUNC_PARAM_OUT": "out",
    "FUNC_PARAM_INOUT": "inout",
    "FUNC_PARAM_VARIADIC": "variadic",
    "FUNC_PARAM_TABLE": "table",
}


def function_def(st: Statement) -> FunctionDef:
    """The definition a CREATE FUNCTION / PROCEDURE statement makes."""
    b = st.body
    args = []
    for p in b.get("parameters") or ():
        fp = p.get("FunctionParameter", {})
        args.append(
            Arg(
                name=str(fp.get("name", "")),
                type=type_name(fp.get("argType")),
                full_type=type_name(fp.get("argType"), typmods=True),
                mode=_MODES.get(fp.get("mode", "FUNC_PARAM_DEFAULT"), "in"),
                has_default="defexpr" in fp,
            )
        )
    opts = def_options(b.get("options"))
    table_cols = [a for a in args if a.mode == "table"]
    out_cols = [a for a in args if a.mode in ("out", "inout")]
    rt = b.get("returnType")
    if table_cols:
        returns = "TABLE(" + ", ".join(f"{a.name} {a.type}" for a in table_cols) + ")"
    elif rt:
        returns = ("setof " if rt.get("setof") else "") + type_name(rt)
        if out_cols and type_name(rt) == "record":
            returns += "(" + ", ".join(f"{a.name} {a.type}" for a in out_cols) + ")"
    elif out_cols:
        returns = (
            out_cols[0].type
            if len(out_cols) == 1
            else "record(" + ", ".join(f"{a.name} {a.type}" for a in out_cols) + ")"
        )
    else:
        returns = "void" if not b.get("is_procedure") else ""
    search_path = None
    if "set" in opts:
        for o in b.get("options") or ():
            d = o.get("DefElem", {})
            vs = (d.get("arg") or {}).get("VariableSetStmt")
            if d.get("defname") == "set" and vs and vs.get("name") == "search_path":
                search_path = _set_value(vs)
    body = _sval(opts.get("as")) if "as" in opts else ""
    if not body and b.get("sql_body"):
        body = st.text
    fid = f"{qualify(strings(b.get('funcname')))}({', '.join(function_args(b.get('parameters')))})"
    return FunctionDef(
        id=fid,
        name=qualify(strings(b.get("funcname"))),
        args=tuple(args),
        returns=returns,
        language=_sval(opts.get("language")).lower() or "sql",
        definer=_bool(opts["security"]) if "security" in opts else False,
        search_path=search_path,
        volatility=_sval(opts.get("volatility")).upper() or "VOLATILE",
        strict=_bool(opts["strict"]) if "strict" in opts else False,
        body=body,
        location=loc(st),
        replace=bool(b.get("replace")),
        is_procedure=bool(b.get("is_procedure")),
    )


def _column_constraints(table: Table, col: str, constraints: list[Any], st: Statement) -> None:
    for c in constraints or ():
        con = c.get("Constraint", {})
        ct = con.get("contype")
        if ct == "CONSTR_PRIMARY":
            table.primary_key = (col,)
        elif ct == "CONSTR_UNIQUE":
            table.unique_keys.append((col,))
        elif ct == "CONSTR_FOREIGN":
            table.foreign_keys.append(ForeignKey(table.id, (col,), relation_id(con.get("pktable")), loc(st)))


def _table_constraint(table: Table, con: dict[str, Any], st: Statement) -> None:
    ct = con.get("contype")
    if ct == "CONSTR_PRIMARY":
        table.primary_key = tuple(strings(con.get("keys")))
    elif ct == "CONSTR_UNIQUE":
        table.unique_keys.append(tuple(strings(con.get("keys"))))
    elif ct == "CONSTR_FOREIGN":
        table.foreign_keys.append(
            ForeignKey(
                table.id, tuple(strings(con.get("fk_attrs"))), relation_id(con.get("pktable")), loc(st)
            )
        )


def default_index_name(table: str, columns: list[str | None], unique: bool) -> str:
    """The name PostgreSQL gives an index created without one (``t_a_b_idx``, ``t_a_key``, ``t_expr_idx``),
    truncated to 63 characters (PostgreSQL adds a number when the name is taken; that is not modelled)."""
    parts = [c if c is not None else "expr" for c in columns] or ["expr"]
    name = f"{table.rsplit('.', 1)[-1]}_{'_'.join(parts)}_{'key' if unique else 'idx'}"
    return name[:63]


def _function_grant_keys(st: Statement, b: dict[str, Any], prefix: str) -> list[str]:
    if prefix:
        schemas_arg = def_options(st.body.get("options")).get("schemas")
        if not schemas_arg:
            return ["default:*"]
        return [f"default:{s}" for s in strings(schemas_arg.get("List", {}).get("items"))]
    if b.get("targtype") == "ACL_TARGET_ALL_IN_SCHEMA":
        return [f"schema:{o.get('String', {}).get('sval', '')}" for o in b.get("objects") or ()]
    return [object_with_args_id(o) for o in b.get("objects") or ()]


class _Folder:
    def __init__(self) -> None:
        self.s = State()
        self.by_name: dict[str, set[str]] = {}  # function name → ids ever defined (filter by existence)

    # --- tables -------------------------------------------------------------------------------
    def create_table(self, st: Statement) -> None:
        b = st.body
        tid = relation_id(b.get("relation"))
        guarded = bool(b.get("if_not_exists"))
        self.s.creates.append((tid, "table", st, guarded))
        if tid in self.s.tables:
            self.s.record(
                tid, "table", "create", st, "skipped: already exists" if guarded else "fails: exists"
            )
            if not guarded:
                self.s.rejected.append(Rejected(loc(st), tid, "already exists", self.s.tables[tid].location))
            return
        table = Table(tid, {}, loc(st), st)
        if b.get("partbound") and b.get("inhRelations"):
            table.partition_of = relation_id(b["inhRelations"][0])
        for elt in b.get("tableElts") or ():
            if "ColumnDef" in elt:
                cd = elt["ColumnDef"]
                name = cd.get("colname", "")
                table.columns[name] = Column(name, type_name(cd.get("typeName"), typmods=True), loc(st))
                _column_constraints(table, name, cd.get("constraints"), st)
            elif "Constraint" in elt:
                _table_constraint(table, elt["Constraint"], st)
        self.s.tables[tid] = table
        self.s.record(tid, "table", "create", st)
        for name in table.columns:
            self.s.record(f"{tid}.{name}", "column", "create", st)

    def alter_table(self, st: Statement) -> None:
        b = st.body
        tid = relation_id(b.get("relation"))
        table = self.s.tables.get(tid)
        if b.get("objtype") not in (None, "OBJECT_TABLE"):
            return
        for cmd in b.get("cmds") or ():
            c = cmd.get("AlterTableCmd", {})
            sub = c.get("subtype")
            if table is None:
                continue
            if sub == "AT_AddColumn":
                cd = (c.get("def") or {}).get("ColumnDef", {})
                name = cd.get("colname", "")
                if name in table.columns:
                    continue
                table.columns[name] = Column(name, type_name(cd.get("typeName"), typmods=True), loc(st))
                _column_constraints(table, name, cd.get("constraints"), st)
                self.s.record(f"{tid}.{name}", "column", "create", st)
            elif sub == "AT_DropColumn":
                name = c.get("name", "")
                if table.columns.pop(name, None) is not None:
                    self.s.record(f"{tid}.{name}", "column", "drop", st)
                    table.foreign_keys = [fk for fk in table.foreign_keys if name not in fk.columns]
            elif sub == "AT_AlterColumnType":
                name = c.get("name", "")
                cd = (c.get("def") or {}).get("ColumnDef", {})
                new_type = type_name(cd.get("typeName"), typmods=True)
                old = table.columns.get(name)
                if old is not None:
                    self.s.column_type_changes.append(
                        (f"{tid}.{name}", old.type, new_type, loc(st), old.location)
                    )
                    table.columns[name] = Column(name, new_type, loc(st))
                    self.s.record(f"{tid}.{name}", "column", "alter", st, f"type {old.type} -> {new_type}")
            elif sub == "AT_AddConstraint":
                con = (c.get("def") or {}).get("Constraint", {})
                _table_constraint(table, con, st)
            elif sub in ("AT_EnableRowSecurity", "AT_ForceRowSecurity"):
                table.rls = True
                table.rls_location = loc(st)
                self.s.record(tid, "table", "alter", st, "enable row level security")
            elif sub == "AT_DisableRowSecurity":
                table.rls = False
                table.rls_location = loc(st)
                self.s.record(tid, "table", "alter", st, "disable row level security")

    # --- functions ----------------------------------------------------------------------------
    def create_function(self, st: Statement) -> None:
        new = function_def(st)
        old = self.s.functions.get(new.id)
        kind = "procedure" if new.is_procedure else "function"
        self.s.function_defs.append((new, old))
        if old is not None and not new.replace:
            self.s.rejected.append(Rejected(new.location, new.id, "already exists", old.location))
            self.s.record(new.id, kind, "create", st, "fails: already exists")
            return
        if old is not None and old.returns != new.returns:
            self.s.rejected.append(
                Rejected(
                    new.location,
                    new.id,
                    f"cannot change return type {old.returns} -> {new.returns}",
                    old.location,
                )
            )
            self.s.record(new.id, kind, "replace", st, "fails: return type change")
            return
        self.s.functions[new.id] = new
        if old is None:
            self.by_name.setdefault(new.name, set()).add(new.id)
            others = tuple(
                self.s.functions[i]
                for i in sorted(self.by_name[new.name])
                if i != new.id and i in self.s.functions
            )
            if others:
                self.s.overloads_at_create.append((new, others))
        self.s.record(new.id, kind, "replace" if old is not None else "create", st)

    def alter_function(self, st: Statement) -> None:
        b = st.body
        fid = object_with_args_id(b.get("func") or {})
        fn = self.s.functions.get(fid)
        details = []
        for a in b.get("actions") or ():
            d = a.get("DefElem", {})
            name = d.get("defname")
            if name == "security":
                definer = _bool(d.get("arg"))
                details.append("security definer" if definer else "security invoker")
                if fn is not None:
                    fn = replace(fn, definer=definer, security_location=loc(st))
            elif name == "set":
                vs = (d.get("arg") or {}).get("VariableSetStmt", {})
                if vs.get("name") == "search_path" or vs.get("kind") == "VAR_RESET_ALL":
                    value = _set_value(vs)
                    details.append(f"search_path = {value}" if value is not None else "reset search_path")
                    if fn is not None:
                        fn = replace(fn, search_path=value, search_path_location=loc(st))
            elif name == "volatility":
                details.append(_sval(d.get("arg")))
                if fn is not None:
                    fn = replace(fn, volatility=_sval(d.get("arg")).upper())
        if fn is not None:
            self.s.functions[fid] = fn
        self.s.record(fid, "function", "alter", st, "; ".join(details))

    # --- everything else ----------------------------------------------------------------------
    def drop(self, st: Statement) -> None:
        b = st.body
        remove = str(b.get("removeType", ""))
        for obj in b.get("objects") or ():
            oid = drop_object_id(remove, obj)
            kind = remove.removeprefix("OBJECT_").lower()
            stores: dict[str, dict[str, Any]] = {
                "OBJECT_TABLE": self.s.tables,
                "OBJECT_INDEX": self.s.indexes,
                "OBJECT_FUNCTION": self.s.functions,
                "OBJECT_PROCEDURE": self.s.functions,
                "OBJECT_VIEW": self.s.views,
                "OBJECT_MATVIEW": self.s.views,
                "OBJECT_POLICY": self.s.policies,
                "OBJECT_EXTENSION": self.s.extensions,
                "OBJECT_TYPE": self.s.types,
                "OBJECT_DOMAIN": self.s.types,
            }
            store = stores.get(remove)
            if store is not None:
                if remove in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE") and "(" not in oid:
                    for key in [k for k in store if k.split("(")[0] == oid]:
                        store.pop(key)
                        self.s.record(key, kind, "drop", st)
                    continue
                gone = store.pop(oid, None)
                if isinstance(gone, Table):
                    for col in gone.columns:
                        self.s.record(f"{oid}.{col}", "column", "drop", st)
                if remove == "OBJECT_TABLE":
                    for iid in [i for i, ix in self.s.indexes.items() if ix.table == oid]:
                        self.s.indexes.pop(iid)
                    for pid in [p for p, po in self.s.policies.items() if po.table == oid]:
                        self.s.policies.pop(pid)
            self.s.record(oid, kind, "drop", st)

    def create_index(self, st: Statement) -> None:
        b = st.body
        table = relation_id(b.get("relation"))
        cols: list[str | None] = []
        for p in b.get("indexParams") or ():
            elem = p.get("IndexElem", {})
            cols.append(elem.get("name") if "name" in elem else None)
        name = b.get("idxname") or default_index_name(table, cols, bool(b.get("unique")))
        iid = f"{relation_schema(b.get('relation'))}.{name}"
        guarded = bool(b.get("if_not_exists"))
        self.s.creates.append((iid, "index", st, guarded))
        method = str(b.get("accessMethod", "btree")).lower()
        if method in ("hnsw", "ivfflat"):
            self._check_ann_index(iid, table, b, st)
        if iid not in self.s.indexes:
            self.s.indexes[iid] = Index(
                iid,
                table,
                tuple(cols),
                str(b.get("accessMethod", "btree")),
                loc(st),
                bool(b.get("unique")),
                "whereClause" in b,
            )
        self.s.record(iid, "index", "create", st)

    def _check_ann_index(self, iid: str, table_id: str, b: dict[str, Any], st: Statement) -> None:
        table = self.s.tables.get(table_id)
        for p in b.get("indexParams") or ():
            elem = p.get("IndexElem", {})
            if "name" in elem:
                col = table.columns.get(elem["name"]) if table is not None else None
                if col is not None:
                    vd = vector_dimension(col.type)
                    if vd is not None and vd[1] is None:
                        self.s.dimensionless_indexes.append((iid, elem["name"], col.type, loc(st)))
            else:
                cast = (elem.get("expr") or {}).get("TypeCast")
                if cast is not None:
                    text = type_name(cast.get("typeName"), typmods=True)
                    vd = vector_dimension(text)
                    if vd is not None and vd[1] is None:
                        self.s.dimensionless_indexes.append((iid, f"(... ::{text})", text, loc(st)))

    def create_policy(self, st: Statement) -> None:
        b = st.body
        table = relation_id(b.get("table"))
        pid = f"{table}.{b.get('policy_name', '')}"
        self.s.creates.append((pid, "policy", st, False))
        definition = normalize_body(st.text)
        if pid in self.s.policies:
            self.s.record(pid, "policy", "create", st, "fails: already exists")
            self.s.rejected.append(Rejected(loc(st), pid, "already exists", self.s.policies[pid].location))
            return
        self.s.policies[pid] = Policy(pid, table, loc(st), definition)
        self.s.record(pid, "policy", "create", st)

    def create_view(self, st: Statement, materialized: bool = False) -> None:
        b = st.body
        if materialized:
            into = (b.get("into") or {}).get("IntoClause", b.get("into") or {})
            vid = relation_id(into.get("rel"))
        else:
            vid = relation_id(b.get("view"))
        view = View(vid, loc(st), normalize_body(st.text.split(" as ", 1)[-1]), materialized)
        replaced = vid in self.s.views
        self.s.view_defs.append((view, self.s.views.get(vid)))
        self.s.views[vid] = view
        self.s.creates.append(
            (vid, "materialized view" if materialized else "view", st, bool(b.get("replace")))
        )
        self.s.record(vid, "view", "replace" if replaced else "create", st)

    def create_extension(self, st: Statement) -> None:
        b = st.body
        name = str(b.get("extname", ""))
        schema = DEFAULT_SCHEMA
        for o in b.get("options") or ():
            d = o.get("DefElem", {})
            if d.get("defname") == "schema":
                schema = _sval(d.get("arg")) or schema
        self.s.creates.append((name, "extension", st, bool(b.get("if_not_exists"))))
        if name not in self.s.extensions:
            self.s.extensions[name] = (schema, loc(st))
        self.s.record(name, "extension", "create", st)

    def create_type(self, st: Statement) -> None:
        b = st.body
        if st.kind == "CreateEnumStmt":
            tid = qualify(strings(b.get("typeName")))
        elif st.kind == "CompositeTypeStmt":
            tid = relation_id(b.get("typevar"))
        else:  # CreateDomainStmt
            tid = qualify(strings(b.get("domainname")))
        self.s.types.setdefault(tid, loc(st))
        self.s.creates.append((tid, "type", st, False))
        self.s.record(tid, "type", "create", st)

    def trigger(self, st: Statement) -> None:
        b = st.body
        tid = f"{relation_id(b.get('relation'))}.{b.get('trigname', '')}"
        self.s.creates.append((tid, "trigger", st, bool(b.get("replace"))))
        self.s.record(tid, "trigger", "create", st)

    def grant(self, st: Statement, b: dict[str, Any] | None = None, prefix: str = "") -> None:
        b = st.body if b is None else b
        privs = tuple(
            str(p.get("AccessPriv", {}).get("priv_name", "")).upper() for p in b.get("privileges") or ()
        ) or ("ALL",)
        roles = []
        for g in b.get("grantees") or ():
            rs = g.get("RoleSpec", {})
            roles.append("PUBLIC" if rs.get("roletype") == "ROLESPEC_PUBLIC" else str(rs.get("rolename", "")))
        index = len(self.s.grants)
        self.s.grants.append((st, prefix + ("grant" if b.get("is_grant") else "revoke"), privs, tuple(roles)))
        if b.get("objtype") in ("OBJECT_FUNCTION", "OBJECT_ROUTINE", "OBJECT_PROCEDURE"):
            for key in _function_grant_keys(st, b, prefix):
                self.s.function_grant_index.setdefault(key, []).append(index)

    def rename(self, st: Statement) -> None:
        b = st.body
        rt = b.get("renameType")
        new = str(b.get("newname", ""))
        if rt == "OBJECT_TABLE":
            old = relation_id(b.get("relation"))
            tid = f"{relation_schema(b.get('relation'))}.{new}"
            table = self.s.tables.pop(old, None)
            if table is not None:
                table.id = tid
                self.s.tables[tid] = table
            self.s.record(old, "table", "rename", st, f"to {tid}")
            self.s.record(tid, "table", "create", st, f"renamed from {old}")
        elif rt == "OBJECT_COLUMN":
            table = self.s.tables.get(relation_id(b.get("relation")))
            oldc = str(b.get("subname", ""))
            if table is not None and oldc in table.columns:
                col = table.columns.pop(oldc)
                table.columns[new] = Column(new, col.type, loc(st))
        elif rt == "OBJECT_FUNCTION":
            fid = object_with_args_id(b.get("object") or {})
            fn = self.s.functions.pop(fid, None)
            if fn is not None:
                schema = fn.name.rsplit(".", 1)[0]
                nid = f"{schema}.{new}({fid.split('(', 1)[1]}"
                self.s.functions[nid] = replace(fn, id=nid, name=f"{schema}.{new}")
                self.by_name.setdefault(f"{schema}.{new}", set()).add(nid)
            self.s.record(fid, "function", "rename", st, f"to {new}")

    def statement(self, st: Statement) -> None:
        k = st.kind
        if k == "CreateStmt":
            self.create_table(st)
        elif k == "AlterTableStmt":
            self.alter_table(st)
        elif k == "CreateFunctionStmt":
            self.create_function(st)
        elif k == "AlterFunctionStmt":
            self.alter_function(st)
        elif k == "DropStmt":
            self.drop(st)
        elif k == "IndexStmt":
            self.create_index(st)
        elif k == "CreatePolicyStmt":
            self.create_policy(st)
        elif k == "ViewStmt":
            self.create_view(st)
        elif k == "CreateTableAsStmt" and st.body.get("objtype") == "OBJECT_MATVIEW":
            self.create_view(st, materialized=True)
        elif k == "CreateExtensionStmt":
            self.create_extension(st)
        elif k in ("CreateEnumStmt", "CompositeTypeStmt", "CreateDomainStmt"):
            self.create_type(st)
        elif k == "CreateTrigStmt":
            self.trigger(st)
        elif k == "GrantStmt":
            self.grant(st)
        elif k == "AlterDefaultPrivilegesStmt":
            self.grant(st, st.body.get("action") or {}, "default-")
        elif k == "RenameStmt":
            self.rename(st)


def fold(files: Iterable[FileStatements]) -> State:
    """Fold every statement of ``files`` (in applied order) into a :class:`State`."""
    folder = _Folder()
    for fs in files:
        for st in fs.statements:
            folder.statement(st)
    return folder.s


def extension_of_type(type_text: str) -> str | None:
    """The extension that provides a type (``vector(1536)`` → ``vector``), if it is a well-known one."""
    base = re.sub(r"\(.*\)|\[\]", "", type_text).strip().split(".")[-1]
    return EXTENSION_TYPES.get(base)


def vector_dimension(type_text: str) -> tuple[str, int | None] | None:
    """(vector type, dimension or None) for a pgvector type text, else None."""
    m = re.fullmatch(r"(?:\w+\.)?(vector|halfvec|sparsevec)(?:\((\d+)\))?", type_text.strip())
    if not m:
        return None
    return m.group(1), int(m.group(2)) if m.group(2) else None


__all__ = [
    "Arg",
    "Column",
    "Event",
    "ForeignKey",
    "FunctionDef",
    "Index",
    "Policy",
    "Rejected",
    "State",
    "Table",
    "View",
    "extension_of_type",
    "fold",
    "function_def",
    "normalize_body",
    "type_dimension",
    "vector_dimension",
]
