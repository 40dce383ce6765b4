"""Effects of data statements (INSERT/UPDATE/DELETE/TRUNCATE), session settings, roles and
DO blocks."""

from __future__ import annotations

from typing import Any

from pgconsolidate.model.extract.base import ExtractorBase
from pgconsolidate.model.extract.bodies import (
    _do_block_sql,
    _parse_embedded,
    _set_value,
)
from pgconsolidate.model.extract.common import (
    _defelems,
    _defval,
    _rv_id,
    _uses_of,
)
from pgconsolidate.model.makers import new_insert
from pgconsolidate.model.names import sval
from pgconsolidate.model.types import (
    Action,
    DynamicSql,
    ObjectKind,
    members,
)

#: The members as plain class attributes (``types.members``: reading them off the Enum classes is slow).
K = members(ObjectKind)
A = members(Action)


class SessionDataEffects(ExtractorBase):
    """Effects of data statements (INSERT/UPDATE/DELETE/TRUNCATE), session settings, roles and"""

    __slots__ = ()

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
        ins = new_insert(table, cols, rows, self.stmt.text, on_conflict, values is None)
        uses = (table, *_uses_of(b.get("selectStmt"), self.ctx, table))
        self.add(A.INSERT, K.TABLE, table, ins, uses=tuple(dict.fromkeys(uses)))

    def _CopyStmt(self, b: dict[str, Any]) -> None:
        # COPY t (a, b) FROM stdin inserts its inline rows (pg_dump's data sections) into those columns,
        # as an INSERT with a column list does; how many is not in the statement (the rows follow it:
        # statements.psql.copy_data), so -1. COPY ... TO, FROM a file or a program, or of a query: none
        if not b.get("is_from") or b.get("filename") or b.get("is_program") or not b.get("relation"):
            return
        table = _rv_id(b.get("relation"), self.ctx)
        cols = tuple(sval(c) for c in b.get("attlist", ()) or ())
        ins = new_insert(table, cols, -1, self.stmt.text, None, False)
        self.add(A.INSERT, K.TABLE, table, ins, uses=(table,))

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
                self.out.extend(type(self)(self.ctx, conditional=True).run(sub))
        if executed or opaque:
            for text in executed:
                for sub in _parse_embedded(text, self.stmt):
                    self.out.extend(type(self)(self.ctx, conditional=True).run(sub))
            self.add(A.DYNAMIC, K.OTHER, "do-block", DynamicSql(tuple(executed), opaque))
