"""The base of the effects extractor: dispatch on the node type and the shared helpers."""

from __future__ import annotations

from typing import Any

from pgconsolidate.model.extract.common import (
    FileContext,
    _qual,
)
from pgconsolidate.model.names import names, sval, type_ref
from pgconsolidate.model.types import (
    Action,
    Effect,
    ObjectKind,
    SourceRef,
)
from pgconsolidate.statements.model import Statement

K = ObjectKind
A = Action

_EMPTY: dict[str, Any] = {}
#: Argument modes that are not part of a routine's identity.
_NOT_IN_SIGNATURE = ("FUNC_PARAM_OUT", "FUNC_PARAM_TABLE")


#: extractor class -> {node type: handler method}: the methods named ``_<NodeType>``, gathered once.
_HANDLERS: dict[type, dict[str, Any]] = {}


def _handlers(cls: type) -> dict[str, Any]:
    table = _HANDLERS.get(cls)
    if table is None:
        table = _HANDLERS[cls] = {
            name[1:]: getattr(cls, name)
            for name in dir(cls)
            if name[:1] == "_" and name[1:2].isupper() and callable(getattr(cls, name))
        }
    return table


class ExtractorBase:
    """What every statement family shares: the statement, the file context, the effects found so far
    (``out``), and the identity helpers used across families. Handlers are methods named after the
    libpg_query node they handle (``_CreateStmt``); :meth:`run` dispatches on the node type.
    Every family class declares empty ``__slots__`` so extractors stay cheap to make (one per
    statement)."""

    __slots__ = ("conditional", "ctx", "out", "ref", "stmt")

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
        handler = _handlers(type(self)).get(kind)
        if handler is not None and type(body) is dict:
            handler(self, body)
        return self.out

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

    def _func_id(self, owa: dict[str, Any]) -> tuple[str, str, str]:
        """(identity, schema, name) of an ObjectWithArgs; ``schema.name(*)`` when args are unspecified."""
        ctx = self.ctx
        schema, name = _qual(names(owa.get("objname", ())), ctx)
        if owa.get("args_unspecified"):
            return f"{schema}.{name}(*)", schema, name
        sig = []
        here = ctx.schema
        fargs = owa.get("objfuncargs")
        if fargs:
            for fa in fargs:
                fp = fa.get("FunctionParameter", _EMPTY)
                if fp.get("mode", "FUNC_PARAM_DEFAULT") in _NOT_IN_SIGNATURE:
                    continue
                sig.append(type_ref(fp.get("argType") or _EMPTY, here)[0].signature)
        else:
            for ta in owa.get("objargs") or ():
                sig.append(type_ref(ta.get("TypeName", ta), here)[0].signature)
        return f"{schema}.{name}({', '.join(sig)})", schema, name
