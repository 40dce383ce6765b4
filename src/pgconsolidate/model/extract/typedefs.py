"""Effects of type, domain, sequence and view statements."""

from __future__ import annotations

from typing import Any

from pgconsolidate.model.deparse import to_sql
from pgconsolidate.model.extract.base import ExtractorBase
from pgconsolidate.model.extract.common import (
    _OBJ_KIND,
    _defelems,
    _defval,
    _qual,
    _rv,
    _rv_id,
    _uses_of,
)
from pgconsolidate.model.makers import new_change, new_sequence, new_table
from pgconsolidate.model.names import names, sval, type_ref, type_uses
from pgconsolidate.model.types import (
    Action,
    CompositeTypeDef,
    DomainDef,
    EnumDef,
    ObjectKind,
    ViewDef,
    members,
)

#: The members as plain class attributes (``types.members``: reading them off the Enum classes is slow).
K = members(ObjectKind)
A = members(Action)


class TypeViewEffects(ExtractorBase):
    """Effects of type, domain, sequence and view statements."""

    __slots__ = ()

    # ----------------------------------------------------------------- types, domains, sequences

    def _CreateEnumStmt(self, b: dict[str, Any]) -> None:
        schema, name = _qual(names(b.get("typeName", ())), self.ctx)
        labels = tuple(sval(v) for v in b.get("vals", ()) or ())
        self.add(A.CREATE, K.ENUM, f"{schema}.{name}", EnumDef(schema, name, labels))

    def _AlterEnumStmt(self, b: dict[str, Any]) -> None:
        schema, name = _qual(names(b.get("typeName", ())), self.ctx)
        if b.get("oldVal"):
            change = new_change("rename_label", (b["oldVal"], b.get("newVal")))
        else:
            change = new_change("add_label", b.get("newVal"))
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
        seq = new_sequence(schema, name, tuple((k, v) for k, v in opts if k != "owned_by"), owned)
        self.add(A.CREATE, K.SEQUENCE, seq.id, seq, if_not_exists=bool(b.get("if_not_exists")))

    def _AlterSeqStmt(self, b: dict[str, Any]) -> None:
        seq = _rv_id(b.get("sequence"), self.ctx)
        for k, v in _defelems(b.get("options", ())).items():
            self.add(A.ALTER, K.SEQUENCE, seq, new_change(k, _defval(v)), if_exists=bool(b.get("missing_ok")))

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
                new_table(schema, name),
                if_not_exists=bool(b.get("if_not_exists")),
                uses=uses,
            )

    def _RefreshMatViewStmt(self, b: dict[str, Any]) -> None:
        oid = _rv_id(b.get("relation"), self.ctx)
        self.add(A.REFRESH, K.MATERIALIZED_VIEW, oid, uses=(oid,))
