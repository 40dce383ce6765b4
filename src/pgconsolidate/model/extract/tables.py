"""Effects of schema, extension, table (columns, constraints) and index statements."""

from __future__ import annotations

import json
from typing import Any

from pgconsolidate.model.deparse import to_sql
from pgconsolidate.model.extract.base import ExtractorBase
from pgconsolidate.model.extract.common import (
    _FK_ACTION,
    _OBJ_KIND,
    _column_refs,
    _defelems,
    _defval,
    _roles,
    _rv,
    _rv_id,
    _truncate,
    choose_name,
)
from pgconsolidate.model.makers import (
    new_change,
    new_column,
    new_constraint,
    new_effect,
    new_index,
    new_sequence,
    new_table,
)
from pgconsolidate.model.names import BUILTIN_TYPES, names, sval, type_ref, type_uses
from pgconsolidate.model.types import (
    Action,
    ColumnDef,
    ConstraintDef,
    ExtensionDef,
    ObjectKind,
    SchemaDef,
    members,
)
from pgconsolidate.statements.model import Statement

#: The members as plain class attributes (``types.members``: reading them off the Enum classes is slow).
K = members(ObjectKind)
A = members(Action)

_EMPTY: dict[str, Any] = {}
_KEYED_CONSTRAINTS = frozenset(
    {"CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_FOREIGN", "CONSTR_CHECK", "CONSTR_EXCLUSION"}
)
_CONSTRAINT_TYPE = {
    "CONSTR_PRIMARY": "primary-key",
    "CONSTR_UNIQUE": "unique",
    "CONSTR_FOREIGN": "foreign-key",
    "CONSTR_CHECK": "check",
    "CONSTR_EXCLUSION": "exclude",
    "CONSTR_NOTNULL": "not-null",
}
#: The suffix PostgreSQL's default constraint names end with, per constraint type.
_NAME_SUFFIX = {"unique": "key", "foreign-key": "fkey", "exclude": "excl", "not-null": "not_null"}


#: ALTER TABLE subcommands that change which table another one belongs to (see ``_family_change``).
_FAMILY_CHANGES = frozenset({"AT_AttachPartition", "AT_DetachPartition", "AT_AddInherit", "AT_DropInherit"})


class TableEffects(ExtractorBase):
    """Effects of schema, extension, table (columns, constraints) and index statements."""

    __slots__ = ()

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
            self.out.extend(type(self)(self.ctx, self.conditional).run(sub))
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
        t, serial = type_ref(cd.get("typeName") or _EMPTY, self.ctx.schema)
        not_null = pk = False
        default: str | None = None
        identity = generated = None
        for c in cd.get("constraints") or ():
            con = c.get("Constraint", _EMPTY)
            ct = con.get("contype", "")
            if ct == "CONSTR_NOTNULL":
                not_null = True
            elif ct == "CONSTR_DEFAULT":
                default = to_sql(con.get("raw_expr"))
            elif ct in _KEYED_CONSTRAINTS:
                if ct == "CONSTR_PRIMARY":
                    pk = not_null = True
                cons_out.append(self._constraint(table, tname, con, (col,)))
            elif ct == "CONSTR_IDENTITY":
                identity = "always" if con.get("generated_when") == "a" else "by default"
                not_null = True
            elif ct == "CONSTR_GENERATED":
                generated = to_sql(con.get("raw_expr"))
        if serial or identity:
            seq = choose_name(tname, [col], "seq")
            schema = table.rsplit(".", 1)[0]
            self.add(A.CREATE, K.SEQUENCE, f"{schema}.{seq}", new_sequence(schema, seq, (), f"{table}.{col}"))
            if serial:
                default = f"nextval('{seq}'::regclass)"
            not_null = True
        coll = cd.get("collClause")
        collation = ".".join(names(coll.get("collname", ()))) if coll else None
        return new_column(table, col, t, not_null, default, identity, generated, collation, pk)

    def _constraint(
        self, table: str, tname: str, con: dict[str, Any], cols: tuple[str, ...] = ()
    ) -> ConstraintDef:
        ct = con.get("contype", "")
        kind = _CONSTRAINT_TYPE.get(ct) or ct.lower()
        expression = None
        ref_table = None
        ref_cols: tuple[str, ...] = ()
        on_delete = on_update = None
        if ct == "CONSTR_FOREIGN":
            fk_attrs = con.get("fk_attrs")
            keys = tuple([sval(k) for k in fk_attrs]) if fk_attrs else ()
            keys = keys or cols
            ref_table = _rv_id(con.get("pktable"), self.ctx)
            pk_attrs = con.get("pk_attrs")
            ref_cols = tuple([sval(k) for k in pk_attrs]) if pk_attrs else ()
            on_delete = _FK_ACTION.get(con.get("fk_del_action", "a"))
            on_update = _FK_ACTION.get(con.get("fk_upd_action", "a"))
        else:
            con_keys = con.get("keys")
            keys = (tuple([sval(k) for k in con_keys]) if con_keys else ()) or cols
            if ct == "CONSTR_CHECK":
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
                name = choose_name(tname, keys, _NAME_SUFFIX.get(kind, kind))
        return new_constraint(
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
        ref = self.ref
        cond = self.conditional
        out = self.out
        ref_table = con.ref_table
        out.append(
            new_effect(
                action,
                K.CONSTRAINT,
                con.id,
                ref,
                con,
                None,
                False,
                False,
                False,
                False,
                (ref_table,) if ref_table else (),
                cond,
            )
        )
        ctype = con.type
        # ADD CONSTRAINT ... PRIMARY KEY / UNIQUE USING INDEX names no columns: the index exists already
        if ctype in ("primary-key", "unique", "exclude") and (con.columns or ctype == "exclude"):
            table = con.table
            idx = new_index(
                table.rsplit(".", 1)[0],
                con.name,
                table,
                "btree" if ctype != "exclude" else "gist",
                con.columns,
                (),
                ctype != "exclude",
                False,
                None,
                (),
                (),
                ctype == "primary-key",
                True,
            )
            out.append(
                new_effect(action, K.INDEX, idx.id, ref, idx, None, False, False, False, False, (), cond)
            )

    def _CreateStmt(self, b: dict[str, Any]) -> None:
        ctx = self.ctx
        relation = b.get("relation")
        schema, tname = _rv(relation, ctx)
        table = f"{schema}.{tname}"
        inh = b.get("inhRelations")
        inherits = tuple([_rv_id(r.get("RangeVar"), ctx) for r in inh]) if inh else ()
        elts = b.get("tableElts") or ()
        like = tuple(
            [_rv_id(e["TableLikeClause"].get("relation"), ctx) for e in elts if "TableLikeClause" in e]
        )
        partition_of = inherits[0] if b.get("partbound") else None
        tdef = new_table(
            schema,
            tname,
            unlogged=(relation or _EMPTY).get("relpersistence") == "u",
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
        out = self.out
        ref = self.ref
        cond = self.conditional
        out.append(
            new_effect(A.CREATE, K.TABLE, table, ref, tdef, None, ine, False, False, False, tuple(uses), cond)
        )
        cons: list[ConstraintDef] = []
        here = ctx.schema
        # bound once: read for every column
        column, make_effect, append, builtin = self._column, new_effect, out.append, BUILTIN_TYPES
        create, kind_column = A.CREATE, K.COLUMN
        for elt in elts:
            cd = elt.get("ColumnDef")
            if cd is not None:
                col = column(table, tname, cd, cons)
                ctype = col.type
                u = type_uses(ctype, here) if ctype.name not in builtin else None
                append(
                    make_effect(
                        create,
                        kind_column,
                        f"{table}.{col.name}",
                        ref,
                        col,
                        None,
                        ine,
                        False,
                        False,
                        False,
                        (u,) if u else (),
                        cond,
                    )
                )
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
                    self.add(
                        A.ALTER, K.TYPE, table, new_change("add_attribute", (d["ColumnDef"]["colname"], t))
                    )
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
                    uses=(table, u) if u else (table,),  # table is never empty ("schema.name")
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
                self.add(A.ALTER, K.COLUMN, f"{table}.{name}", new_change("type", t), uses=(u,) if u else ())
            elif sub == "AT_ColumnDefault":
                self.add(
                    A.ALTER, K.COLUMN, f"{table}.{name}", new_change("default", to_sql(d) if d else None)
                )
            elif sub == "AT_SetNotNull":
                self.add(A.ALTER, K.COLUMN, f"{table}.{name}", new_change("not_null", True))
            elif sub == "AT_DropNotNull":
                self.add(A.ALTER, K.COLUMN, f"{table}.{name}", new_change("not_null", False))
            elif sub == "AT_AddIdentity":
                self.add(A.ALTER, K.COLUMN, f"{table}.{name}", new_change("identity", "identity"))
            elif sub == "AT_DropIdentity":
                self.add(A.ALTER, K.COLUMN, f"{table}.{name}", new_change("identity", None))
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
                self.add(A.ALTER, K.CONSTRAINT, f"{table}.{name}", new_change("not_valid", False))
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
                self.add(A.OWNER, kind, table, new_change("owner", owner), if_exists=missing_ok)
            elif sub in _FAMILY_CHANGES and d:
                self._family_change(sub, table, d, missing_ok)
            else:
                self.add(
                    A.ALTER,
                    kind,
                    table,
                    new_change(sub.removeprefix("AT_").lower(), None),
                    if_exists=missing_ok,
                )

    def _family_change(self, sub: str, table: str, d: dict[str, Any], missing_ok: bool) -> None:
        """ATTACH / DETACH PARTITION (on the parent: the partition is the one that changes) and
        INHERIT / NO INHERIT (on the child): the child's ``partition_of`` / ``inherits`` follow."""
        if sub == "AT_AddInherit" or sub == "AT_DropInherit":
            parent = _rv_id(d.get("RangeVar"), self.ctx)
            attribute = "add_inherit" if sub == "AT_AddInherit" else "drop_inherit"
            uses = (parent,) if sub == "AT_AddInherit" else ()
            self.add(A.ALTER, K.TABLE, table, new_change(attribute, parent), if_exists=missing_ok, uses=uses)
            return
        child = _rv_id(d.get("PartitionCmd", {}).get("name"), self.ctx)
        if sub == "AT_AttachPartition":
            self.add(A.ALTER, K.TABLE, child, new_change("partition_of", table), uses=(table,))
        else:  # DETACH: an event of the parent (as before) and of the partition, which stands alone now
            self.add(A.ALTER, K.TABLE, table, new_change("detachpartition", None), if_exists=missing_ok)
            self.add(A.ALTER, K.TABLE, child, new_change("partition_of", None))

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
        including = b.get("indexIncludingParams")
        include = (
            tuple([sval(x.get("IndexElem", {}).get("name", "")) for x in including]) if including else ()
        )
        name = b.get("idxname")
        if not name:
            suffix = "pkey" if b.get("primary") else ("key" if b.get("unique") else "idx")
            name = choose_name(tname, label if not b.get("primary") else [], suffix)
        options = b.get("options")
        opts = tuple([(k, _defval(v)) for k, v in _defelems(options).items()]) if options else ()
        idx = new_index(
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
