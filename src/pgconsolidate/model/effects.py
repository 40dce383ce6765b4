"""Effects extraction: what each statement does to which objects (pure; JSON parse trees in, Effects out).

:func:`file_effects` walks one file's statements in order, keeping the file's ``SET search_path`` so that
unqualified names resolve like PostgreSQL resolves them; :func:`statement_effects` handles one statement.
Never raises on odd trees: an unknown or malformed statement yields no effects (or an ``other`` effect).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from pglast import parser

from pgconsolidate.model.deparse import to_sql
from pgconsolidate.model.names import SERIAL_TYPES, const_text, names, sval, type_ref, type_uses
from pgconsolidate.model.types import (
    Action,
    ArgDef,
    Change,
    ColumnDef,
    CompositeTypeDef,
    ConstraintDef,
    DefaultPrivilegesDef,
    DomainDef,
    DynamicSql,
    Effect,
    EnumDef,
    ExtensionDef,
    FunctionDef,
    GrantDef,
    IndexDef,
    InsertDef,
    ObjectKind,
    PolicyDef,
    SchemaDef,
    SequenceDef,
    SourceRef,
    TableDef,
    TriggerDef,
    TypeRef,
    ViewDef,
)
from pgconsolidate.statements.model import Statement

K = ObjectKind
A = Action

_NAMEDATALEN = 63
_OBJ_KIND = {
    "OBJECT_TABLE": K.TABLE,
    "OBJECT_FOREIGN_TABLE": K.TABLE,
    "OBJECT_VIEW": K.VIEW,
    "OBJECT_MATVIEW": K.MATERIALIZED_VIEW,
    "OBJECT_INDEX": K.INDEX,
    "OBJECT_SEQUENCE": K.SEQUENCE,
    "OBJECT_TYPE": K.TYPE,
    "OBJECT_DOMAIN": K.DOMAIN,
    "OBJECT_FUNCTION": K.FUNCTION,
    "OBJECT_PROCEDURE": K.PROCEDURE,
    "OBJECT_ROUTINE": K.FUNCTION,
    "OBJECT_AGGREGATE": K.AGGREGATE,
    "OBJECT_TRIGGER": K.TRIGGER,
    "OBJECT_POLICY": K.POLICY,
    "OBJECT_SCHEMA": K.SCHEMA,
    "OBJECT_EXTENSION": K.EXTENSION,
    "OBJECT_COLUMN": K.COLUMN,
    "OBJECT_TABCONSTRAINT": K.CONSTRAINT,
    "OBJECT_DOMCONSTRAINT": K.CONSTRAINT,
    "OBJECT_ROLE": K.ROLE,
    "OBJECT_PUBLICATION": K.PUBLICATION,
    "OBJECT_EVENT_TRIGGER": K.EVENT_TRIGGER,
}
_VOLATILITY = {"i": "immutable", "s": "stable", "v": "volatile"}
_FK_ACTION = {"a": None, "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}


@dataclass
class FileContext:
    """Per-file state while walking statements in order: the search_path set by ``SET search_path``."""

    file: str
    search_path: list[str] = field(default_factory=lambda: ["public"])
    schema: str = "public"  # the schema unqualified names resolve to (kept in step with search_path)

    def set_search_path(self, path: list[str]) -> None:
        """Change the search_path; unqualified names then resolve to its first real schema."""
        self.search_path = path
        self.schema = next((s for s in path if s not in ("$user", "pg_catalog", "pg_temp")), "public")


# --------------------------------------------------------------------------- small helpers


_LINE_COMMENT = re.compile(r"--[^\n]*")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _hash(text: str) -> str:
    """A hash of SQL text with comments and whitespace normalised (layout-insensitive)."""
    norm = _LINE_COMMENT.sub(" ", text) if "--" in text else text
    norm = _BLOCK_COMMENT.sub(" ", norm) if "/*" in norm else norm
    norm = " ".join(norm.split()).lower()
    return hashlib.sha256(norm.encode()).hexdigest()[:16]


def _rv(rv: dict[str, Any] | None, ctx: FileContext) -> tuple[str, str]:
    """A RangeVar as (schema, name)."""
    if not rv:
        return ctx.schema, ""
    return rv.get("schemaname") or ctx.schema, rv.get("relname", "")


def _rv_id(rv: dict[str, Any] | None, ctx: FileContext) -> str:
    schema, name = _rv(rv, ctx)
    return f"{schema}.{name}"


def _qual(parts: list[str], ctx: FileContext) -> tuple[str, str]:
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    return ctx.schema, parts[-1] if parts else ""


def _roles(specs: Iterable[Any]) -> tuple[str, ...]:
    out = []
    for spec in specs or ():
        rs = spec.get("RoleSpec", spec) if isinstance(spec, dict) else {}
        rt = rs.get("roletype", "")
        if rt == "ROLESPEC_PUBLIC":
            out.append("public")
        elif rt == "ROLESPEC_CURRENT_USER":
            out.append("current_user")
        elif rt == "ROLESPEC_SESSION_USER":
            out.append("session_user")
        elif rt == "ROLESPEC_CURRENT_ROLE":
            out.append("current_role")
        else:
            out.append(rs.get("rolename", ""))
    return tuple(out)


def _defelems(items: Iterable[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items or ():
        de = item.get("DefElem") if isinstance(item, dict) else None
        if de:
            out[de.get("defname", "")] = de.get("arg")
    return out


def _defval(arg: Any) -> str:
    """The value of a DefElem argument as text."""
    if arg is None:
        return "true"
    if isinstance(arg, dict):
        if "String" in arg:
            return sval(arg)
        if "Integer" in arg:
            return str(arg["Integer"].get("ival", 0))
        if "Float" in arg:
            return str(arg["Float"].get("fval", "0"))
        if "Boolean" in arg:
            return "true" if arg["Boolean"].get("boolval") else "false"
        if "TypeName" in arg:
            return type_ref(arg["TypeName"])[0].display
        if "List" in arg:
            return ".".join(names(arg))
        if "A_Const" in arg:
            return const_text(arg) or ""
    return to_sql(arg)


def _truncate(name: str) -> str:
    raw = name.encode()
    if len(raw) <= _NAMEDATALEN:
        return name
    return raw[:_NAMEDATALEN].decode("utf-8", "ignore")


def choose_name(table: str, columns: Iterable[str], suffix: str) -> str:
    """PostgreSQL's ChooseRelationName/ChooseConstraintName default: ``table_col1_col2_suffix``
    (each part truncated so the whole fits in 63 bytes)."""
    label = "_".join(c for c in columns if c)
    name1, name2 = table, label
    overhead = len(suffix) + 1 + (1 if name2 else 0)
    avail = _NAMEDATALEN - overhead
    while len(name1.encode()) + len(name2.encode()) > avail:
        if len(name1.encode()) > len(name2.encode()):
            name1 = name1.encode()[:-1].decode("utf-8", "ignore")
        else:
            name2 = name2.encode()[:-1].decode("utf-8", "ignore")
    return f"{name1}_{name2}_{suffix}" if name2 else f"{name1}_{suffix}"


def _column_refs(node: Any, out: list[str]) -> None:
    """Column names referenced in an expression tree (first field of each ColumnRef)."""
    if isinstance(node, dict):
        cr = node.get("ColumnRef")
        if isinstance(cr, dict):
            fields = [sval(f) for f in cr.get("fields", ()) if "String" in f]
            if fields:
                out.append(fields[-1])
            return
        for v in node.values():
            _column_refs(v, out)
    elif isinstance(node, list):
        for v in node:
            _column_refs(v, out)


def _refs(node: Any, ctx: FileContext, rels: set[str], funcs: set[str], types: set[str]) -> None:
    """Relations (RangeVar), functions (FuncCall) and types (TypeCast) referenced anywhere in a tree.

    One iterative pass; scalar values are skipped with a single type check (the hot path of policy and
    view expressions)."""
    stack = [node]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        cur = pop()
        if type(cur) is list:
            extend(cur)
            continue
        if type(cur) is not dict:
            continue
        for key, val in cur.items():
            tv = type(val)
            if tv is dict:
                if key == "RangeVar":
                    if val.get("relname") and val.get("schemaname") != "pg_catalog":
                        rels.add(_rv_id(val, ctx))
                    continue
                if key == "FuncCall":
                    parts = names(val.get("funcname", ()))
                    if parts and (len(parts) == 1 or parts[0] != "pg_catalog"):
                        schema, name = _qual(parts, ctx)
                        funcs.add(f"{schema}.{name}(*)")
                elif key == "TypeCast" and type(val.get("typeName")) is dict:
                    t, _ = type_ref(val["typeName"], ctx.schema)
                    u = type_uses(t, ctx.schema)
                    if u:
                        types.add(u)
                push(val)
            elif tv is list:
                extend(val)


def _uses_of(node: Any, ctx: FileContext, exclude: str | None = None) -> tuple[str, ...]:
    rels: set[str] = set()
    funcs: set[str] = set()
    types: set[str] = set()
    _refs(node, ctx, rels, funcs, types)
    if exclude:
        rels.discard(exclude)
    return tuple(sorted(rels | funcs | types))


# --------------------------------------------------------------------------- the extractor


class _Extractor:
    """Effects of one statement. A class only to share ``ctx``/``ref``/``out`` between helpers."""

    def __init__(self, stmt: Statement, ctx: FileContext, conditional: bool = False) -> None:
        self.stmt = stmt
        self.ctx = ctx
        self.ref = SourceRef(stmt.file, stmt.line, stmt.column, stmt.index)
        self.out: list[Effect] = []
        self.conditional = conditional

    def add(
        self,
        action: Action,
        kind: ObjectKind,
        oid: str,
        detail: Any = None,
        *,
        new_id: str | None = None,
        if_not_exists: bool = False,
        or_replace: bool = False,
        if_exists: bool = False,
        cascade: bool = False,
        uses: tuple[str, ...] = (),
    ) -> None:
        self.out.append(
            Effect(
                action,
                kind,
                oid,
                self.ref,
                detail,
                new_id,
                if_not_exists,
                or_replace,
                if_exists,
                cascade,
                uses,
                self.conditional,
            )
        )

    def run(self) -> list[Effect]:
        node = self.stmt.node
        if not node:
            return self.out
        kind, body = next(iter(node.items()))
        handler = getattr(self, f"_{kind}", None)
        if handler is not None and isinstance(body, dict):
            handler(body)
        return self.out

    # ----------------------------------------------------------------- schemas & extensions

    def _CreateSchemaStmt(self, b: dict[str, Any]) -> None:
        owner = _roles([b["authrole"]])[0] if b.get("authrole") else None
        name = b.get("schemaname") or owner
        self.add(
            A.CREATE,
            K.SCHEMA,
            name or "",
            SchemaDef(name or "", owner),
            if_not_exists=bool(b.get("if_not_exists")),
        )
        saved = self.ctx.search_path
        self.ctx.set_search_path([name or "public"])
        for elt in b.get("schemaElts", ()) or ():
            sub = Statement(
                self.stmt.file,
                self.stmt.index,
                self.stmt.line,
                self.stmt.column,
                self.stmt.end_line,
                self.stmt.start,
                self.stmt.end,
                self.stmt.text,
                next(iter(elt)),
                elt,
            )
            self.out.extend(_Extractor(sub, self.ctx, self.conditional).run())
        self.ctx.set_search_path(saved)

    def _CreateExtensionStmt(self, b: dict[str, Any]) -> None:
        opts = _defelems(b.get("options", ()))
        schema = _defval(opts["schema"]) if "schema" in opts else self.ctx.schema
        version = _defval(opts["new_version"]) if "new_version" in opts else None
        name = b.get("extname", "")
        self.add(
            A.CREATE,
            K.EXTENSION,
            name,
            ExtensionDef(name, schema, version, "cascade" in opts),
            if_not_exists=bool(b.get("if_not_exists")),
            uses=(schema,) if schema else (),
        )

    # ----------------------------------------------------------------- tables

    def _column(self, table: str, tname: str, cd: dict[str, Any], cons_out: list[ConstraintDef]) -> ColumnDef:
        col = cd.get("colname", "")
        tn = cd.get("typeName") or {}
        t, serial = type_ref(tn, self.ctx.schema)
        not_null = False
        default: str | None = None
        identity = generated = None
        pk = False
        for c in cd.get("constraints", ()) or ():
            con = c.get("Constraint", {})
            ct = con.get("contype", "")
            if ct == "CONSTR_NOTNULL":
                not_null = True
            elif ct == "CONSTR_DEFAULT":
                default = to_sql(con.get("raw_expr"))
            elif ct == "CONSTR_IDENTITY":
                identity = "always" if con.get("generated_when") == "a" else "by default"
                not_null = True
            elif ct == "CONSTR_GENERATED":
                generated = to_sql(con.get("raw_expr"))
            elif ct in (
                "CONSTR_PRIMARY",
                "CONSTR_UNIQUE",
                "CONSTR_FOREIGN",
                "CONSTR_CHECK",
                "CONSTR_EXCLUSION",
            ):
                if ct == "CONSTR_PRIMARY":
                    pk = not_null = True
                cons_out.append(self._constraint(table, tname, con, (col,)))
        if serial or identity:
            seq = choose_name(tname, [col], "seq")
            schema = table.rsplit(".", 1)[0]
            self.add(A.CREATE, K.SEQUENCE, f"{schema}.{seq}", SequenceDef(schema, seq, (), f"{table}.{col}"))
            if serial:
                default = f"nextval('{seq}'::regclass)"
            not_null = True
        collation = ".".join(names(cd["collClause"].get("collname", ()))) if cd.get("collClause") else None
        return ColumnDef(table, col, t, not_null, default, identity, generated, collation, pk)

    def _constraint(
        self, table: str, tname: str, con: dict[str, Any], cols: tuple[str, ...] = ()
    ) -> ConstraintDef:
        ct = con.get("contype", "")
        keys = tuple(sval(k) for k in con.get("keys", ()) or ()) or cols
        kind = {
            "CONSTR_PRIMARY": "primary-key",
            "CONSTR_UNIQUE": "unique",
            "CONSTR_FOREIGN": "foreign-key",
            "CONSTR_CHECK": "check",
            "CONSTR_EXCLUSION": "exclude",
            "CONSTR_NOTNULL": "not-null",
        }.get(ct, ct.lower())
        expression = None
        ref_table = None
        ref_cols: tuple[str, ...] = ()
        on_delete = on_update = None
        if ct == "CONSTR_FOREIGN":
            keys = tuple(sval(k) for k in con.get("fk_attrs", ()) or ()) or cols
            ref_table = _rv_id(con.get("pktable"), self.ctx)
            ref_cols = tuple(sval(k) for k in con.get("pk_attrs", ()) or ())
            on_delete = _FK_ACTION.get(con.get("fk_del_action", "a"))
            on_update = _FK_ACTION.get(con.get("fk_upd_action", "a"))
        elif ct == "CONSTR_CHECK":
            expression = to_sql(con.get("raw_expr"))
        elif ct == "CONSTR_EXCLUSION":
            expression = json.dumps(con.get("exclusions"), sort_keys=True)
            keys = ()
        name = con.get("conname")
        if not name:
            if ct == "CONSTR_PRIMARY":
                name = _truncate(f"{tname}_pkey")
            elif ct == "CONSTR_CHECK":
                refs: list[str] = []
                _column_refs(con.get("raw_expr"), refs)
                name = choose_name(tname, (cols[:1] if cols else refs[:1]), "check")
            else:
                suffix = {"unique": "key", "foreign-key": "fkey", "exclude": "excl", "not-null": "not_null"}
                name = choose_name(tname, keys, suffix.get(kind, kind))
        return ConstraintDef(
            table,
            name,
            kind,
            keys,
            ref_table,
            ref_cols,
            on_delete,
            on_update,
            expression,
            bool(con.get("deferrable")),
            bool(con.get("skip_validation")),
        )

    def _add_constraint(self, con: ConstraintDef, action: Action = A.CREATE) -> None:
        uses = (con.ref_table,) if con.ref_table else ()
        self.add(action, K.CONSTRAINT, con.id, con, uses=uses)
        if con.type in ("primary-key", "unique", "exclude"):
            schema = con.table.rsplit(".", 1)[0]
            idx = IndexDef(
                schema,
                con.name,
                con.table,
                "btree" if con.type != "exclude" else "gist",
                con.columns,
                (),
                con.type != "exclude",
                False,
                None,
                (),
                (),
                con.type == "primary-key",
                True,
            )
            self.add(action, K.INDEX, idx.id, idx)

    def _CreateStmt(self, b: dict[str, Any]) -> None:
        schema, tname = _rv(b.get("relation"), self.ctx)
        table = f"{schema}.{tname}"
        inherits = tuple(_rv_id(r.get("RangeVar"), self.ctx) for r in b.get("inhRelations", ()) or ())
        like = tuple(
            _rv_id(e["TableLikeClause"].get("relation"), self.ctx)
            for e in b.get("tableElts", ()) or ()
            if "TableLikeClause" in e
        )
        partition_of = inherits[0] if b.get("partbound") else None
        tdef = TableDef(
            schema,
            tname,
            unlogged=b.get("relation", {}).get("relpersistence") == "u",
            partitioned=bool(b.get("partspec")),
            partition_of=partition_of,
            inherits=() if partition_of else inherits,
            like=like,
        )
        uses: list[str] = [schema] if schema != "public" else []
        uses.extend(inherits)
        uses.extend(like)
        if b.get("ofTypename"):
            t, _ = type_ref(b["ofTypename"], schema)
            u = type_uses(t, schema)
            if u:
                uses.append(u)
        ine = bool(b.get("if_not_exists"))
        self.add(A.CREATE, K.TABLE, table, tdef, if_not_exists=ine, uses=tuple(uses))
        cons: list[ConstraintDef] = []
        for elt in b.get("tableElts", ()) or ():
            if "ColumnDef" in elt:
                col = self._column(table, tname, elt["ColumnDef"], cons)
                u = type_uses(col.type, self.ctx.schema)
                self.add(A.CREATE, K.COLUMN, col.id, col, if_not_exists=ine, uses=(u,) if u else ())
            elif "Constraint" in elt:
                cons.append(self._constraint(table, tname, elt["Constraint"]))
        for con in cons:
            self._add_constraint(con)

    def _AlterTableStmt(self, b: dict[str, Any]) -> None:
        objtype = b.get("objtype", "OBJECT_TABLE")
        kind = _OBJ_KIND.get(objtype, K.TABLE)
        schema, tname = _rv(b.get("relation"), self.ctx)
        table = f"{schema}.{tname}"
        missing_ok = bool(b.get("missing_ok"))
        for cmd_wrap in b.get("cmds", ()) or ():
            cmd = cmd_wrap.get("AlterTableCmd", {})
            sub = cmd.get("subtype", "")
            name = cmd.get("name")
            d = cmd.get("def")
            if sub == "AT_AddColumn" and d and "ColumnDef" in d:
                if kind == K.TYPE:
                    t, _ = type_ref(d["ColumnDef"].get("typeName") or {}, self.ctx.schema)
                    self.add(A.ALTER, K.TYPE, table, Change("add_attribute", (d["ColumnDef"]["colname"], t)))
                    continue
                cons: list[ConstraintDef] = []
                col = self._column(table, tname, d["ColumnDef"], cons)
                u = type_uses(col.type, self.ctx.schema)
                self.add(
                    A.CREATE,
                    K.COLUMN,
                    col.id,
                    col,
                    if_not_exists=bool(cmd.get("missing_ok")),
                    if_exists=missing_ok,
                    uses=tuple(x for x in (table, u) if x),
                )
                for con in cons:
                    self._add_constraint(con)
            elif sub == "AT_DropColumn":
                self.add(
                    A.DROP,
                    K.COLUMN,
                    f"{table}.{name}",
                    if_exists=bool(cmd.get("missing_ok")),
                    cascade=cmd.get("behavior") == "DROP_CASCADE",
                )
            elif sub == "AT_AlterColumnType" and d and "ColumnDef" in d:
                t, _ = type_ref(d["ColumnDef"].get("typeName") or {}, self.ctx.schema)
                u = type_uses(t, self.ctx.schema)
                self.add(A.ALTER, K.COLUMN, f"{table}.{name}", Change("type", t), uses=(u,) if u else ())
            elif sub == "AT_ColumnDefault":
                self.add(A.ALTER, K.COLUMN, f"{table}.{name}", Change("default", to_sql(d) if d else None))
            elif sub == "AT_SetNotNull":
                self.add(A.ALTER, K.COLUMN, f"{table}.{name}", Change("not_null", True))
            elif sub == "AT_DropNotNull":
                self.add(A.ALTER, K.COLUMN, f"{table}.{name}", Change("not_null", False))
            elif sub == "AT_AddIdentity":
                self.add(A.ALTER, K.COLUMN, f"{table}.{name}", Change("identity", "identity"))
            elif sub == "AT_DropIdentity":
                self.add(A.ALTER, K.COLUMN, f"{table}.{name}", Change("identity", None))
            elif sub == "AT_AddConstraint" and d and "Constraint" in d:
                self._add_constraint(self._constraint(table, tname, d["Constraint"]))
            elif sub == "AT_DropConstraint":
                self.add(
                    A.DROP,
                    K.CONSTRAINT,
                    f"{table}.{name}",
                    if_exists=bool(cmd.get("missing_ok")),
                    cascade=cmd.get("behavior") == "DROP_CASCADE",
                )
            elif sub == "AT_ValidateConstraint":
                self.add(A.ALTER, K.CONSTRAINT, f"{table}.{name}", Change("not_valid", False))
            elif sub == "AT_EnableRowSecurity":
                self.add(A.ENABLE_RLS, K.TABLE, table, if_exists=missing_ok)
            elif sub == "AT_DisableRowSecurity":
                self.add(A.DISABLE_RLS, K.TABLE, table, if_exists=missing_ok)
            elif sub == "AT_ForceRowSecurity":
                self.add(A.FORCE_RLS, K.TABLE, table, if_exists=missing_ok)
            elif sub == "AT_NoForceRowSecurity":
                self.add(A.NO_FORCE_RLS, K.TABLE, table, if_exists=missing_ok)
            elif sub == "AT_ChangeOwner":
                owner = _roles([cmd.get("newowner", {})])[0]
                self.add(A.OWNER, kind, table, Change("owner", owner), if_exists=missing_ok)
            elif sub == "AT_AttachPartition":
                pass
            else:
                self.add(
                    A.ALTER, kind, table, Change(sub.removeprefix("AT_").lower(), None), if_exists=missing_ok
                )

    # ----------------------------------------------------------------- renames & drops

    def _RenameStmt(self, b: dict[str, Any]) -> None:
        rt = b.get("renameType", "")
        new = b.get("newname", "")
        missing_ok = bool(b.get("missing_ok"))
        if rt in ("OBJECT_COLUMN", "OBJECT_ATTRIBUTE"):
            table = _rv_id(b.get("relation"), self.ctx)
            if rt == "OBJECT_ATTRIBUTE":
                self.add(A.ALTER, K.TYPE, table, Change("rename_attribute", (b.get("subname"), new)))
                return
            self.add(
                A.RENAME,
                K.COLUMN,
                f"{table}.{b.get('subname')}",
                new_id=f"{table}.{new}",
                if_exists=missing_ok,
            )
        elif rt in ("OBJECT_POLICY", "OBJECT_TRIGGER", "OBJECT_TABCONSTRAINT"):
            table = _rv_id(b.get("relation"), self.ctx)
            kind = _OBJ_KIND[rt]
            self.add(
                A.RENAME, kind, f"{table}.{b.get('subname')}", new_id=f"{table}.{new}", if_exists=missing_ok
            )
            if rt == "OBJECT_TABCONSTRAINT":
                schema = table.rsplit(".", 1)[0]
                self.add(
                    A.RENAME,
                    K.INDEX,
                    f"{schema}.{b.get('subname')}",
                    new_id=f"{schema}.{new}",
                    if_exists=True,
                )
        elif rt in (
            "OBJECT_TABLE",
            "OBJECT_VIEW",
            "OBJECT_MATVIEW",
            "OBJECT_INDEX",
            "OBJECT_SEQUENCE",
            "OBJECT_FOREIGN_TABLE",
        ):
            schema, name = _rv(b.get("relation"), self.ctx)
            self.add(
                A.RENAME, _OBJ_KIND[rt], f"{schema}.{name}", new_id=f"{schema}.{new}", if_exists=missing_ok
            )
        elif rt in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE", "OBJECT_AGGREGATE"):
            owa = (b.get("object") or {}).get("ObjectWithArgs", {})
            oid, schema, _ = self._func_id(owa)
            sig = oid[len(schema) + 1 :]
            args = sig[sig.index("(") :]
            self.add(A.RENAME, _OBJ_KIND[rt], oid, new_id=f"{schema}.{new}{args}", if_exists=missing_ok)
        elif rt in ("OBJECT_SCHEMA",):
            self.add(A.RENAME, K.SCHEMA, b.get("subname", ""), new_id=new)
        elif rt in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            obj = b.get("object") or {}
            parts = names(obj) if "List" in obj else names(obj.get("TypeName", {}).get("names", ()))
            schema, name = _qual(parts, self.ctx)
            self.add(
                A.RENAME, _OBJ_KIND[rt], f"{schema}.{name}", new_id=f"{schema}.{new}", if_exists=missing_ok
            )
        elif rt in _OBJ_KIND:
            obj = b.get("object")
            oname = sval(obj) if isinstance(obj, dict) and "String" in obj else b.get("subname", "")
            self.add(A.RENAME, _OBJ_KIND[rt], oname or "", new_id=new)

    def _AlterObjectSchemaStmt(self, b: dict[str, Any]) -> None:
        ot = b.get("objectType", "")
        new_schema = b.get("newschema", "")
        kind = _OBJ_KIND.get(ot, K.OTHER)
        if b.get("relation"):
            schema, name = _rv(b["relation"], self.ctx)
            self.add(A.RENAME, kind, f"{schema}.{name}", new_id=f"{new_schema}.{name}")
        elif ot in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
            oid, schema, _ = self._func_id((b.get("object") or {}).get("ObjectWithArgs", {}))
            self.add(A.RENAME, kind, oid, new_id=new_schema + oid[len(schema) :])
        elif ot == "OBJECT_EXTENSION":
            self.add(A.ALTER, K.EXTENSION, sval(b.get("object")), Change("schema", new_schema))
        else:
            obj = b.get("object") or {}
            parts = names(obj) if "List" in obj else names(obj.get("TypeName", {}).get("names", ()))
            if parts:
                schema, name = _qual(parts, self.ctx)
                self.add(A.RENAME, kind, f"{schema}.{name}", new_id=f"{new_schema}.{name}")

    def _DropStmt(self, b: dict[str, Any]) -> None:
        rt = b.get("removeType", "")
        kind = _OBJ_KIND.get(rt, K.OTHER)
        cascade = b.get("behavior") == "DROP_CASCADE"
        missing_ok = bool(b.get("missing_ok"))
        for obj in b.get("objects", ()) or ():
            oid = self._drop_target(rt, obj)
            if oid:
                self.add(A.DROP, kind, oid, if_exists=missing_ok, cascade=cascade)

    def _drop_target(self, rt: str, obj: dict[str, Any]) -> str | None:
        if "ObjectWithArgs" in obj:
            return self._func_id(obj["ObjectWithArgs"])[0]
        if "TypeName" in obj:
            t, _ = type_ref(obj["TypeName"], self.ctx.schema)
            return f"{t.schema or self.ctx.schema}.{t.name}"
        if "String" in obj:
            return sval(obj)
        parts = names(obj)
        if not parts:
            return None
        if rt in ("OBJECT_POLICY", "OBJECT_TRIGGER", "OBJECT_RULE"):
            if len(parts) == 2:
                parts = [self.ctx.schema, *parts]
            return ".".join(parts[-3:])
        schema, name = _qual(parts, self.ctx)
        return f"{schema}.{name}"

    # ----------------------------------------------------------------- indexes

    def _IndexStmt(self, b: dict[str, Any]) -> None:
        schema, tname = _rv(b.get("relation"), self.ctx)
        table = f"{schema}.{tname}"
        cols: list[str] = []
        opclasses: list[str | None] = []
        label: list[str] = []
        for p in b.get("indexParams", ()) or ():
            ie = p.get("IndexElem", {})
            if ie.get("name"):
                cols.append(ie["name"])
                label.append(ie["name"])
            else:
                cols.append(to_sql(ie.get("expr")))
                fn = ie.get("expr", {}).get("FuncCall")
                label.append(names(fn.get("funcname", ()))[-1] if fn else "expr")
            oc = names(ie.get("opclass", ()))
            opclasses.append(oc[-1] if oc else None)
        include = tuple(
            sval(x.get("IndexElem", {}).get("name", "")) for x in b.get("indexIncludingParams", ()) or ()
        )
        name = b.get("idxname")
        if not name:
            suffix = "pkey" if b.get("primary") else ("key" if b.get("unique") else "idx")
            name = choose_name(tname, label if not b.get("primary") else [], suffix)
        opts = tuple((k, _defval(v)) for k, v in _defelems(b.get("options", ())).items())
        idx = IndexDef(
            schema,
            name,
            table,
            b.get("accessMethod", "btree"),
            tuple(cols),
            tuple(opclasses),
            bool(b.get("unique")),
            bool(b.get("concurrent")),
            to_sql(b["whereClause"]) if b.get("whereClause") else None,
            include,
            opts,
            bool(b.get("primary")),
        )
        uses = [table]
        if idx.method in ("hnsw", "ivfflat"):
            uses.append("vector")
        self.add(A.CREATE, K.INDEX, idx.id, idx, if_not_exists=bool(b.get("if_not_exists")), uses=tuple(uses))

    # ----------------------------------------------------------------- policies & triggers

    def _CreatePolicyStmt(self, b: dict[str, Any]) -> None:
        table = _rv_id(b.get("table"), self.ctx)
        name = b.get("policy_name", "")
        using = b.get("qual")
        check = b.get("with_check")
        pol = PolicyDef(
            table,
            name,
            b.get("cmd_name", "all"),
            bool(b.get("permissive")),
            _roles(b.get("roles", ())) or ("public",),
            to_sql(using) if using else None,
            to_sql(check) if check else None,
        )
        uses = (table, *_uses_of([using, check], self.ctx, table))
        self.add(A.CREATE, K.POLICY, pol.id, pol, uses=tuple(dict.fromkeys(uses)))

    def _AlterPolicyStmt(self, b: dict[str, Any]) -> None:
        table = _rv_id(b.get("table"), self.ctx)
        oid = f"{table}.{b.get('policy_name', '')}"
        if b.get("roles"):
            self.add(A.ALTER, K.POLICY, oid, Change("roles", _roles(b["roles"])))
        if b.get("qual"):
            self.add(A.ALTER, K.POLICY, oid, Change("using", to_sql(b["qual"])))
        if b.get("with_check"):
            self.add(A.ALTER, K.POLICY, oid, Change("with_check", to_sql(b["with_check"])))

    def _CreateTrigStmt(self, b: dict[str, Any]) -> None:
        table = _rv_id(b.get("relation"), self.ctx)
        fschema, fname = _qual(names(b.get("funcname", ())), self.ctx)
        timing = b.get("timing", 0)
        events_mask = b.get("events", 0)
        events = tuple(
            n
            for bit, n in ((4, "insert"), (8, "delete"), (16, "update"), (32, "truncate"))
            if events_mask & bit
        )
        trg = TriggerDef(
            table,
            b.get("trigname", ""),
            f"{fschema}.{fname}()",
            "before" if timing & 2 else ("instead of" if timing & 64 else "after"),
            events,
            bool(b.get("row")),
            to_sql(b["whenClause"]) if b.get("whenClause") else None,
            tuple(sval(c) for c in b.get("columns", ()) or ()),
            bool(b.get("isconstraint")),
        )
        action = A.CREATE_OR_REPLACE if b.get("replace") else A.CREATE
        self.add(
            action, K.TRIGGER, trg.id, trg, or_replace=bool(b.get("replace")), uses=(table, trg.function)
        )

    def _CreateEventTrigStmt(self, b: dict[str, Any]) -> None:
        fschema, fname = _qual(names(b.get("funcname", ())), self.ctx)
        self.add(A.CREATE, K.EVENT_TRIGGER, b.get("trigname", ""), uses=(f"{fschema}.{fname}()",))

    # ----------------------------------------------------------------- types, domains, sequences

    def _CreateEnumStmt(self, b: dict[str, Any]) -> None:
        schema, name = _qual(names(b.get("typeName", ())), self.ctx)
        labels = tuple(sval(v) for v in b.get("vals", ()) or ())
        self.add(A.CREATE, K.ENUM, f"{schema}.{name}", EnumDef(schema, name, labels))

    def _AlterEnumStmt(self, b: dict[str, Any]) -> None:
        schema, name = _qual(names(b.get("typeName", ())), self.ctx)
        if b.get("oldVal"):
            change = Change("rename_label", (b["oldVal"], b.get("newVal")))
        else:
            change = Change("add_label", b.get("newVal"))
        self.add(A.ALTER, K.ENUM, f"{schema}.{name}", change, if_not_exists=bool(b.get("skipIfNewValExists")))

    def _CompositeTypeStmt(self, b: dict[str, Any]) -> None:
        schema, name = _rv(b.get("typevar"), self.ctx)
        attrs = []
        uses = []
        for c in b.get("coldeflist", ()) or ():
            cd = c.get("ColumnDef", {})
            t, _ = type_ref(cd.get("typeName") or {}, self.ctx.schema)
            attrs.append((cd.get("colname", ""), t))
            u = type_uses(t, self.ctx.schema)
            if u:
                uses.append(u)
        self.add(
            A.CREATE,
            K.TYPE,
            f"{schema}.{name}",
            CompositeTypeDef(schema, name, tuple(attrs)),
            uses=tuple(uses),
        )

    def _CreateDomainStmt(self, b: dict[str, Any]) -> None:
        schema, name = _qual(names(b.get("domainname", ())), self.ctx)
        base, _ = type_ref(b.get("typeName") or {}, self.ctx.schema)
        not_null = False
        default = None
        checks = []
        for c in b.get("constraints", ()) or ():
            con = c.get("Constraint", {})
            ct = con.get("contype")
            if ct == "CONSTR_NOTNULL":
                not_null = True
            elif ct == "CONSTR_DEFAULT":
                default = to_sql(con.get("raw_expr"))
            elif ct == "CONSTR_CHECK":
                checks.append(to_sql(con.get("raw_expr")))
        u = type_uses(base, self.ctx.schema)
        dom = DomainDef(schema, name, base, not_null, default, tuple(checks))
        self.add(A.CREATE, K.DOMAIN, dom.id, dom, uses=(u,) if u else ())

    def _DefineStmt(self, b: dict[str, Any]) -> None:
        kind = _OBJ_KIND.get(b.get("kind", ""), K.OTHER)
        parts = names(b.get("defnames", ()))
        if not parts:
            return
        schema, name = _qual(parts, self.ctx)
        if kind == K.AGGREGATE:
            args = []
            raw = b.get("args") or []
            first = raw[0] if raw else {}
            items = first.get("List", {}).get("items", []) if isinstance(first, dict) else []
            for a in items:
                fp = a.get("FunctionParameter", {})
                if fp.get("argType"):
                    args.append(type_ref(fp["argType"], self.ctx.schema)[0].signature)
            self.add(
                A.CREATE,
                K.AGGREGATE,
                f"{schema}.{name}({', '.join(args)})",
                or_replace=bool(b.get("replace")),
            )
        else:
            self.add(A.CREATE, kind, f"{schema}.{name}", if_not_exists=bool(b.get("if_not_exists")))

    def _CreateRangeStmt(self, b: dict[str, Any]) -> None:
        schema, name = _qual(names(b.get("typeName", ())), self.ctx)
        self.add(A.CREATE, K.TYPE, f"{schema}.{name}")

    def _CreateSeqStmt(self, b: dict[str, Any]) -> None:
        schema, name = _rv(b.get("sequence"), self.ctx)
        opts = tuple((k, _defval(v)) for k, v in _defelems(b.get("options", ())).items())
        owned = dict(opts).get("owned_by")
        seq = SequenceDef(schema, name, tuple((k, v) for k, v in opts if k != "owned_by"), owned)
        self.add(A.CREATE, K.SEQUENCE, seq.id, seq, if_not_exists=bool(b.get("if_not_exists")))

    def _AlterSeqStmt(self, b: dict[str, Any]) -> None:
        seq = _rv_id(b.get("sequence"), self.ctx)
        for k, v in _defelems(b.get("options", ())).items():
            self.add(A.ALTER, K.SEQUENCE, seq, Change(k, _defval(v)), if_exists=bool(b.get("missing_ok")))

    # ----------------------------------------------------------------- views

    def _ViewStmt(self, b: dict[str, Any]) -> None:
        schema, name = _rv(b.get("view"), self.ctx)
        oid = f"{schema}.{name}"
        query = b.get("query")
        uses = _uses_of(query, self.ctx, oid)
        view = ViewDef(
            schema,
            name,
            to_sql(query),
            False,
            tuple(sval(c) for c in b.get("aliases", ()) or ()),
            tuple((k, _defval(v)) for k, v in _defelems(b.get("options", ())).items()),
            None
            if b.get("withCheckOption", "NO_CHECK_OPTION") == "NO_CHECK_OPTION"
            else b["withCheckOption"].removesuffix("_CHECK_OPTION").lower(),
            True,
            uses,
        )
        replace = bool(b.get("replace"))
        self.add(
            A.CREATE_OR_REPLACE if replace else A.CREATE, K.VIEW, oid, view, or_replace=replace, uses=uses
        )

    def _CreateTableAsStmt(self, b: dict[str, Any]) -> None:
        into = b.get("into") or {}
        schema, name = _rv(into.get("rel"), self.ctx)
        oid = f"{schema}.{name}"
        query = b.get("query")
        uses = _uses_of(query, self.ctx, oid)
        if b.get("objtype") == "OBJECT_MATVIEW":
            view = ViewDef(
                schema,
                name,
                to_sql(query),
                True,
                tuple(sval(c) for c in into.get("colNames", ()) or ()),
                (),
                None,
                not into.get("skipData"),
                uses,
            )
            self.add(
                A.CREATE,
                K.MATERIALIZED_VIEW,
                oid,
                view,
                if_not_exists=bool(b.get("if_not_exists")),
                uses=uses,
            )
        else:
            self.add(
                A.CREATE,
                K.TABLE,
                oid,
                TableDef(schema, name),
                if_not_exists=bool(b.get("if_not_exists")),
                uses=uses,
            )

    def _RefreshMatViewStmt(self, b: dict[str, Any]) -> None:
        oid = _rv_id(b.get("relation"), self.ctx)
        self.add(A.REFRESH, K.MATERIALIZED_VIEW, oid, uses=(oid,))

    # ----------------------------------------------------------------- functions

    def _func_id(self, owa: dict[str, Any]) -> tuple[str, str, str]:
        """(identity, schema, name) of an ObjectWithArgs; ``schema.name(*)`` when args are unspecified."""
        schema, name = _qual(names(owa.get("objname", ())), self.ctx)
        if owa.get("args_unspecified"):
            return f"{schema}.{name}(*)", schema, name
        sig = []
        fargs = owa.get("objfuncargs")
        if fargs:
            for fa in fargs:
                fp = fa.get("FunctionParameter", {})
                if fp.get("mode", "FUNC_PARAM_DEFAULT") in ("FUNC_PARAM_OUT", "FUNC_PARAM_TABLE"):
                    continue
                sig.append(type_ref(fp.get("argType") or {}, self.ctx.schema)[0].signature)
        else:
            for ta in owa.get("objargs", ()) or ():
                sig.append(type_ref(ta.get("TypeName", ta), self.ctx.schema)[0].signature)
        return f"{schema}.{name}({', '.join(sig)})", schema, name

    def _CreateFunctionStmt(self, b: dict[str, Any]) -> None:
        schema, name = _qual(names(b.get("funcname", ())), self.ctx)
        args: list[ArgDef] = []
        uses: list[str] = [schema] if schema not in ("public",) else []
        for p in b.get("parameters", ()) or ():
            fp = p.get("FunctionParameter", {})
            t, _ = type_ref(fp.get("argType") or {}, self.ctx.schema)
            mode = {
                "FUNC_PARAM_IN": "in",
                "FUNC_PARAM_DEFAULT": "in",
                "FUNC_PARAM_OUT": "out",
                "FUNC_PARAM_INOUT": "inout",
                "FUNC_PARAM_VARIADIC": "variadic",
                "FUNC_PARAM_TABLE": "table",
            }.get(fp.get("mode", ""), "in")
            default = to_sql(fp["defexpr"]) if fp.get("defexpr") else None
            args.append(ArgDef(fp.get("name"), t, mode, default))
            u = type_uses(t, self.ctx.schema)
            if u:
                uses.append(u)
        opts = _defelems(b.get("options", ()))
        is_proc = bool(b.get("is_procedure"))
        rt = b.get("returnType")
        return_type: TypeRef | None = None
        returns_set = False
        table_cols = [a for a in args if a.mode == "table"]
        if is_proc:
            returns = ""
        elif table_cols:
            returns = "TABLE(" + ", ".join(f"{a.name} {a.type.display}" for a in table_cols) + ")"
            returns_set = True
        elif rt:
            return_type, _ = type_ref(rt, self.ctx.schema)
            returns_set = bool(rt.get("setof"))
            returns = ("SETOF " if returns_set else "") + return_type.display
            u = type_uses(return_type, self.ctx.schema)
            if u:
                uses.append(u)
        else:
            outs = [a for a in args if a.mode in ("out", "inout")]
            returns = outs[0].type.display if len(outs) == 1 else ("record" if outs else "void")
        language = _defval(opts["language"]).lower() if "language" in opts else "sql"
        config = []
        for item in b.get("options", ()) or ():
            de = item.get("DefElem", {})
            if de.get("defname") == "set":
                vs = (de.get("arg") or {}).get("VariableSetStmt", {})
                config.append((vs.get("name", ""), _set_value(vs)))
        body = ""
        body_uses: tuple[str, ...] = ()
        dynamic = False
        if "as" in opts:
            parts = names(opts["as"])
            body = parts[0] if parts else ""
        elif b.get("sql_body"):
            body = to_sql(b["sql_body"])
        if language == "plpgsql":
            body_uses, dynamic = _plpgsql_uses(self.stmt.text, self.ctx)
        elif language == "sql":
            if b.get("sql_body"):
                body_uses = _uses_of(b["sql_body"], self.ctx)
            elif body:
                body_uses = _sql_body_uses(body, self.ctx)
        fdef = FunctionDef(
            schema=schema,
            name=name,
            args=tuple(args),
            returns=returns,
            returns_set=returns_set,
            return_type=return_type,
            language=language,
            volatility=_defval(opts["volatility"]).lower() if "volatility" in opts else "volatile",
            security_definer=_defval(opts["security"]) == "true" if "security" in opts else False,
            strict=_defval(opts["strict"]) == "true" if "strict" in opts else False,
            leakproof=_defval(opts["leakproof"]) == "true" if "leakproof" in opts else False,
            parallel=_defval(opts["parallel"]).lower() if "parallel" in opts else None,
            config=tuple(config),
            body=body,
            body_hash=_hash(body),
            is_procedure=is_proc,
            uses=body_uses,
            dynamic_sql=dynamic,
        )
        replace = bool(b.get("replace"))
        kind = K.PROCEDURE if is_proc else K.FUNCTION
        if language not in ("sql", "plpgsql", "c", "internal"):
            uses.append(language)
        self.add(
            A.CREATE_OR_REPLACE if replace else A.CREATE,
            kind,
            fdef.id,
            fdef,
            or_replace=replace,
            uses=tuple(dict.fromkeys(uses)),
        )

    def _AlterFunctionStmt(self, b: dict[str, Any]) -> None:
        oid, _, _ = self._func_id(b.get("func") or {})
        kind = _OBJ_KIND.get(b.get("objtype", ""), K.FUNCTION)
        for item in b.get("actions", ()) or ():
            de = item.get("DefElem", {})
            key = de.get("defname", "")
            arg = de.get("arg")
            if key == "security":
                self.add(A.ALTER, kind, oid, Change("security_definer", _defval(arg) == "true"))
            elif key == "set":
                vs = (arg or {}).get("VariableSetStmt", {})
                if vs.get("kind") in ("VAR_RESET", "VAR_RESET_ALL"):
                    self.add(A.ALTER, kind, oid, Change("reset_config", vs.get("name")))
                else:
                    self.add(A.ALTER, kind, oid, Change("add_config", (vs.get("name", ""), _set_value(vs))))
            elif key in ("volatility", "parallel"):
                self.add(A.ALTER, kind, oid, Change(key, _defval(arg).lower()))
            elif key in ("strict", "leakproof"):
                self.add(A.ALTER, kind, oid, Change(key, _defval(arg) == "true"))
            else:
                self.add(A.ALTER, kind, oid, Change(key, _defval(arg)))

    def _AlterOwnerStmt(self, b: dict[str, Any]) -> None:
        ot = b.get("objectType", "")
        kind = _OBJ_KIND.get(ot, K.OTHER)
        owner = _roles([b.get("newowner", {})])[0]
        obj = b.get("object") or {}
        if "ObjectWithArgs" in obj:
            oid = self._func_id(obj["ObjectWithArgs"])[0]
        elif b.get("relation"):
            oid = _rv_id(b["relation"], self.ctx)
        else:
            oid = self._drop_target(ot, obj) or ""
        self.add(A.OWNER, kind, oid, Change("owner", owner))

    # ----------------------------------------------------------------- privileges & comments

    def _GrantStmt(self, b: dict[str, Any]) -> None:
        is_grant = bool(b.get("is_grant"))
        ot = b.get("objtype", "")
        kind = _OBJ_KIND.get(ot, K.OTHER)
        privs: list[str] = []
        cols: list[str] = []
        for p in b.get("privileges", ()) or ():
            ap = p.get("AccessPriv", {})
            privs.append(ap.get("priv_name", "all").lower())
            cols.extend(sval(c) for c in ap.get("cols", ()) or ())
        privileges = tuple(privs) or ("all",)
        grantees = _roles(b.get("grantees", ()))
        targets: list[str] = []
        if b.get("targtype") == "ACL_TARGET_ALL_IN_SCHEMA":
            targets = [f"{sval(o)}.*" for o in b.get("objects", ()) or ()]
        else:
            for o in b.get("objects", ()) or ():
                if "RangeVar" in o:
                    targets.append(_rv_id(o["RangeVar"], self.ctx))
                elif "ObjectWithArgs" in o:
                    targets.append(self._func_id(o["ObjectWithArgs"])[0])
                elif "String" in o:
                    targets.append(sval(o))
                elif "TypeName" in o:
                    t, _ = type_ref(o["TypeName"], self.ctx.schema)
                    targets.append(f"{t.schema or self.ctx.schema}.{t.name}")
                else:
                    parts = names(o)
                    if parts:
                        targets.append(".".join(_qual(parts, self.ctx)))
        action = A.GRANT if is_grant else A.REVOKE
        for target in targets:
            g = GrantDef(
                kind, target, privileges, grantees, bool(b.get("grant_option")), tuple(cols), not is_grant
            )
            uses = (target,) if not target.endswith(".*") else (target[:-2],)
            self.add(action, kind, target, g, uses=uses)

    def _GrantRoleStmt(self, b: dict[str, Any]) -> None:
        granted = [
            sval(r) or r.get("AccessPriv", {}).get("priv_name", "") for r in b.get("granted_roles", ())
        ]
        grantees = _roles(b.get("grantee_roles", ()))
        for role in granted:
            g = GrantDef(K.ROLE, role, ("member",), grantees, revoke=not b.get("is_grant"))
            self.add(A.GRANT if b.get("is_grant") else A.REVOKE, K.ROLE, role, g)

    def _AlterDefaultPrivilegesStmt(self, b: dict[str, Any]) -> None:
        opts = b.get("options", ()) or ()
        schemas: list[str] = []
        roles: list[str] = []
        for item in opts:
            de = item.get("DefElem", {})
            vals = (de.get("arg") or {}).get("List", {}).get("items", [])
            if de.get("defname") == "schemas":
                schemas.extend(sval(v) for v in vals)
            elif de.get("defname") == "roles":
                roles.extend(_roles(vals))
        action = b.get("action", {}).get("GrantStmt", {})
        privs = tuple(
            p.get("AccessPriv", {}).get("priv_name", "all").lower()
            for p in action.get("privileges", ()) or ()
        )
        dp = DefaultPrivilegesDef(
            _OBJ_KIND.get(action.get("objtype", ""), K.OTHER).value,
            tuple(schemas),
            privs or ("all",),
            _roles(action.get("grantees", ())),
            tuple(roles),
            not action.get("is_grant"),
        )
        self.add(A.GRANT if action.get("is_grant") else A.REVOKE, K.OTHER, "default-privileges", dp)

    def _CommentStmt(self, b: dict[str, Any]) -> None:
        ot = b.get("objtype", "")
        kind = _OBJ_KIND.get(ot, K.OTHER)
        obj = b.get("object") or {}
        if "ObjectWithArgs" in obj:
            oid = self._func_id(obj["ObjectWithArgs"])[0]
        elif "String" in obj:
            oid = sval(obj)
        elif "TypeName" in obj:
            t, _ = type_ref(obj["TypeName"], self.ctx.schema)
            oid = f"{t.schema or self.ctx.schema}.{t.name}"
        else:
            parts = names(obj)
            if ot in ("OBJECT_COLUMN", "OBJECT_POLICY", "OBJECT_TRIGGER", "OBJECT_TABCONSTRAINT"):
                if len(parts) == 2:
                    parts = [self.ctx.schema, *parts]
                oid = ".".join(parts[-3:])
            else:
                oid = ".".join(_qual(parts, self.ctx)) if parts else ""
        self.add(A.COMMENT, kind, oid, b.get("comment"))

    # ----------------------------------------------------------------- data

    def _InsertStmt(self, b: dict[str, Any]) -> None:
        table = _rv_id(b.get("relation"), self.ctx)
        cols = tuple(r.get("ResTarget", {}).get("name", "") for r in b.get("cols", ()) or ())
        sel = (b.get("selectStmt") or {}).get("SelectStmt", {})
        values = sel.get("valuesLists")
        rows = len(values) if values else -1
        occ = b.get("onConflictClause") or {}
        on_conflict = {"ONCONFLICT_NOTHING": "nothing", "ONCONFLICT_UPDATE": "update"}.get(
            occ.get("action", "")
        )
        ins = InsertDef(table, cols, rows, self.stmt.text, on_conflict, values is None)
        uses = (table, *_uses_of(b.get("selectStmt"), self.ctx, table))
        self.add(A.INSERT, K.TABLE, table, ins, uses=tuple(dict.fromkeys(uses)))

    def _UpdateStmt(self, b: dict[str, Any]) -> None:
        table = _rv_id(b.get("relation"), self.ctx)
        self.add(A.UPDATE, K.TABLE, table, self.stmt.text, uses=(table,))

    def _DeleteStmt(self, b: dict[str, Any]) -> None:
        table = _rv_id(b.get("relation"), self.ctx)
        self.add(A.DELETE, K.TABLE, table, self.stmt.text, uses=(table,))

    def _TruncateStmt(self, b: dict[str, Any]) -> None:
        for r in b.get("relations", ()) or ():
            table = _rv_id(r.get("RangeVar"), self.ctx)
            self.add(A.TRUNCATE, K.TABLE, table, self.stmt.text, uses=(table,))

    # ----------------------------------------------------------------- session & misc

    def _VariableSetStmt(self, b: dict[str, Any]) -> None:
        if b.get("name") == "search_path" and not b.get("is_local"):
            if b.get("kind") in ("VAR_RESET", "VAR_SET_DEFAULT"):
                self.ctx.set_search_path(["public"])
            else:
                path = [p.strip().strip('"') for p in _set_value(b).split(",") if p.strip()]
                self.ctx.set_search_path(path or ["public"])

    def _CreateRoleStmt(self, b: dict[str, Any]) -> None:
        self.add(A.CREATE, K.ROLE, b.get("role", ""))

    def _CreatePublicationStmt(self, b: dict[str, Any]) -> None:
        self.add(A.CREATE, K.PUBLICATION, b.get("pubname", ""))

    def _DoStmt(self, b: dict[str, Any]) -> None:
        opts = _defelems(b.get("args", ()))
        lang = _defval(opts["language"]).lower() if "language" in opts else "plpgsql"
        code = sval(opts.get("as")) if opts.get("as") else ""
        if lang != "plpgsql" or not code:
            self.add(A.DYNAMIC, K.OTHER, "do-block", DynamicSql((), True))
            return
        embedded, executed, opaque = _do_block_sql(self.stmt.text)
        for text in embedded:
            for sub in _parse_embedded(text, self.stmt):
                self.out.extend(_Extractor(sub, self.ctx, conditional=True).run())
        if executed or opaque:
            for text in executed:
                for sub in _parse_embedded(text, self.stmt):
                    self.out.extend(_Extractor(sub, self.ctx, conditional=True).run())
            self.add(A.DYNAMIC, K.OTHER, "do-block", DynamicSql(tuple(executed), opaque))


# --------------------------------------------------------------------------- PL/pgSQL & SQL bodies


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


# JSON string bodies as an unrolled loop (no per-character alternation: several times faster)
_STR = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
_RANGEVAR_JSON = re.compile(
    r'"RangeVar":\{(?:"catalogname":"[^"\\]*(?:\\.[^"\\]*)*",)?(?:"schemaname":'
    + _STR
    + r",)?"
    + r'"relname":'
    + _STR
)
_FUNCCALL_JSON = re.compile(
    r'"FuncCall":\{"funcname":\[((?:\{"String":\{"sval":"[^"\\]*(?:\\.[^"\\]*)*"\}\},?)+)\]'
)
_SVAL_JSON = re.compile(r'"sval":' + _STR)
_PLPGSQL_EXPR_JSON = re.compile(r'"PLpgSQL_expr":\{"query":' + _STR + r',"parseMode":(\d+)')


def _unescape(text: str) -> str:
    return text if "\\" not in text else str(json.loads(f'"{text}"'))


def _json_refs(tree_json: str, ctx: FileContext, out: set[str]) -> None:
    """Relations and functions referenced in a libpg_query JSON text, found without loading it."""
    for schema, rel in _RANGEVAR_JSON.findall(tree_json):
        if schema != "pg_catalog":
            out.add(f"{_unescape(schema) or ctx.schema}.{_unescape(rel)}")
    for names_json in _FUNCCALL_JSON.findall(tree_json):
        parts = [_unescape(x) for x in _SVAL_JSON.findall(names_json)]
        if parts and (len(parts) == 1 or parts[0] != "pg_catalog"):
            schema, name = _qual(parts, ctx)
            out.add(f"{schema}.{name}(*)")


def _sql_refs(sqls: list[str], ctx: FileContext) -> set[str]:
    """References of several SQL snippets (one parse when they all parse, else one by one)."""
    out: set[str] = set()
    if not sqls:
        return out
    try:
        _json_refs(parser.parse_sql_json(";\n".join(sqls)), ctx, out)
    except Exception:
        for one in sqls:
            try:
                _json_refs(parser.parse_sql_json(one), ctx, out)
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


# --------------------------------------------------------------------------- entry points


def statement_effects(stmt: Statement, ctx: FileContext | None = None) -> list[Effect]:
    """The effects of one statement (``ctx`` carries the file's search_path; updated by SET)."""
    context = ctx if ctx is not None else FileContext(stmt.file)
    try:
        return _Extractor(stmt, context).run()
    except Exception:
        ref = SourceRef(stmt.file, stmt.line, stmt.column, stmt.index)
        return [Effect(A.DYNAMIC, K.OTHER, "unmodelled", ref, DynamicSql((stmt.text,), True))]


def file_effects(statements: Iterable[Statement], file: str = "") -> list[Effect]:
    """The effects of a file's statements in order, resolving names with the file's search_path."""
    ctx = FileContext(file)
    out: list[Effect] = []
    for stmt in statements:
        out.extend(statement_effects(stmt, ctx))
    return out


__all__ = ["SERIAL_TYPES", "FileContext", "choose_name", "file_effects", "statement_effects"]
