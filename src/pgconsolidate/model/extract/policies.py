"""Effects of policy and trigger statements."""

from __future__ import annotations

from typing import Any

from pgconsolidate.model.deparse import to_sql
from pgconsolidate.model.extract.base import ExtractorBase
from pgconsolidate.model.extract.common import (
    _exprs_text_and_refs,
    _qual,
    _roles,
    _rv_id,
)
from pgconsolidate.model.makers import new_change, new_effect, new_policy
from pgconsolidate.model.names import names, sval
from pgconsolidate.model.types import (
    Action,
    ObjectKind,
    TriggerDef,
    members,
)

#: The members as plain class attributes (``types.members``: reading them off the Enum classes is slow).
K = members(ObjectKind)
A = members(Action)


class PolicyTriggerEffects(ExtractorBase):
    """Effects of policy and trigger statements."""

    __slots__ = ()

    # ----------------------------------------------------------------- policies & triggers

    def _CreatePolicyStmt(self, b: dict[str, Any]) -> None:
        ctx = self.ctx
        table = _rv_id(b.get("table"), ctx)
        name = b.get("policy_name", "")
        (using, check), rels, others = _exprs_text_and_refs([b.get("qual"), b.get("with_check")], ctx)
        pol = new_policy(
            table,
            name,
            b.get("cmd_name", "all"),
            bool(b.get("permissive")),
            _roles(b.get("roles", ())) or ("public",),
            using,
            check,
        )
        # the relations, functions and types the expressions use (not the policy's own table)
        uses = (table, *sorted(rels - {table} | others)) if rels or others else (table,)
        self.out.append(
            new_effect(
                A.CREATE,
                K.POLICY,
                f"{table}.{name}",
                self.ref,
                pol,
                None,
                False,
                False,
                False,
                False,
                tuple(dict.fromkeys(uses)),
                self.conditional,
            )
        )

    def _AlterPolicyStmt(self, b: dict[str, Any]) -> None:
        table = _rv_id(b.get("table"), self.ctx)
        oid = f"{table}.{b.get('policy_name', '')}"
        if b.get("roles"):
            self.add(A.ALTER, K.POLICY, oid, new_change("roles", _roles(b["roles"])))
        if b.get("qual"):
            self.add(A.ALTER, K.POLICY, oid, new_change("using", to_sql(b["qual"])))
        if b.get("with_check"):
            self.add(A.ALTER, K.POLICY, oid, new_change("with_check", to_sql(b["with_check"])))

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
