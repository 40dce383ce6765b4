"""Effects of function and procedure statements (and ALTER ... OWNER)."""

from __future__ import annotations

from typing import Any

from pgconsolidate.model.deparse import to_sql
from pgconsolidate.model.extract.base import ExtractorBase
from pgconsolidate.model.extract.bodies import (
    _set_value,
    plpgsql_refs,
    sql_body_refs,
)
from pgconsolidate.model.extract.common import (
    _OBJ_KIND,
    _defval,
    _qual,
    _roles,
    _rv_id,
    _uses_of,
)
from pgconsolidate.model.makers import new_arg, new_change, new_effect, new_function
from pgconsolidate.model.names import BUILTIN_TYPES, names, type_ref, type_uses
from pgconsolidate.model.types import (
    NO_REFS,
    Action,
    ArgDef,
    ObjectKind,
    RoutineRefs,
    TypeRef,
    members,
)

#: The members as plain class attributes (``types.members``: reading them off the Enum classes is slow).
K = members(ObjectKind)
A = members(Action)

_EMPTY: dict[str, Any] = {}
#: Languages that are not extensions (a routine in any other language uses the extension of that name).
_BUILTIN_LANGUAGES = frozenset({"sql", "plpgsql", "c", "internal"})


def _option_text(arg: Any) -> str:
    """:func:`_defval` of a routine option's argument, with its most common form (a String node, as
    ``LANGUAGE plpgsql`` and ``STABLE`` are) read directly."""
    if type(arg) is dict:
        s = arg.get("String")
        if type(s) is dict and len(arg) == 1:
            v = s.get("sval", "")
            if type(v) is str:
                return v
    return _defval(arg)


_PARAM_MODE = {
    "FUNC_PARAM_IN": "in",
    "FUNC_PARAM_DEFAULT": "in",
    "FUNC_PARAM_OUT": "out",
    "FUNC_PARAM_INOUT": "inout",
    "FUNC_PARAM_VARIADIC": "variadic",
    "FUNC_PARAM_TABLE": "table",
}


class FunctionEffects(ExtractorBase):
    """Effects of function and procedure statements (and ALTER ... OWNER)."""

    __slots__ = ()

    def _CreateFunctionStmt(self, b: dict[str, Any]) -> None:
        # the hottest handler (several per migration file): locals bound once, keyword-free maker
        # calls, and the common option values read without the general _defval
        ctx = self.ctx
        here = ctx.schema
        schema, name = _qual(names(b.get("funcname", ())), ctx)
        args: list[ArgDef] = []
        uses: list[str] = [schema] if schema != "public" else []
        table_cols: list[ArgDef] = []
        outs: list[ArgDef] = []
        sig: list[str] = []  # the identity's argument types (FunctionDef.id, without its properties)
        params = b.get("parameters")
        if params:
            param_mode = _PARAM_MODE
            for p in params:
                fp = p.get("FunctionParameter", _EMPTY)
                t = type_ref(fp.get("argType") or _EMPTY, here)[0]
                mode = param_mode.get(fp.get("mode", ""), "in")
                defexpr = fp.get("defexpr")
                arg = new_arg(fp.get("name"), t, mode, to_sql(defexpr) if defexpr else None)
                args.append(arg)
                if mode == "in":
                    sig.append(t.signature)
                elif mode == "table":
                    table_cols.append(arg)
                else:
                    if mode != "out":  # inout, variadic
                        sig.append(t.signature)
                    if mode != "variadic":  # out, inout
                        outs.append(arg)
                if t.name not in BUILTIN_TYPES:
                    u = type_uses(t, here)
                    if u:
                        uses.append(u)
        # the options in one pass: the last of each name wins (as _defelems), SET items in order
        opts: dict[str, Any] = {}
        config = []
        options = b.get("options")
        if options:
            for item in options:
                de = item.get("DefElem") if type(item) is dict else None
                if de:
                    key = de.get("defname", "")
                    arg_node = opts[key] = de.get("arg")
                    if key == "set":
                        vs = (arg_node or _EMPTY).get("VariableSetStmt", _EMPTY)
                        config.append((vs.get("name", ""), _set_value(vs)))
        is_proc = bool(b.get("is_procedure"))
        rt = b.get("returnType")
        return_type: TypeRef | None = None
        returns_set = False
        if is_proc:
            returns = ""
        elif table_cols:
            returns = "TABLE(" + ", ".join([f"{a.name} {a.type.display}" for a in table_cols]) + ")"
            returns_set = True
        elif rt:
            return_type = type_ref(rt, here)[0]
            returns_set = bool(rt.get("setof"))
            returns = ("SETOF " if returns_set else "") + return_type.display
            if return_type.name not in BUILTIN_TYPES:
                u = type_uses(return_type, here)
                if u:
                    uses.append(u)
        else:
            returns = outs[0].type.display if len(outs) == 1 else ("record" if outs else "void")
        language = _option_text(opts["language"]).lower() if "language" in opts else "sql"
        body = ""
        refs = NO_REFS
        sql_body = b.get("sql_body")
        if "as" in opts:
            parts = names(opts["as"])
            body = parts[0] if parts else ""
        elif sql_body:
            body = to_sql(sql_body)
        # a body's references are read when first asked for (RoutineRefs): they need more parsing
        if language == "plpgsql":
            refs = RoutineRefs(plpgsql_refs, (self.stmt, here))
        elif language == "sql":
            if sql_body:
                refs = RoutineRefs.known(_uses_of(sql_body, ctx))
            elif body:
                refs = RoutineRefs(sql_body_refs, (body, here))
        fdef = new_function(
            schema,
            name,
            tuple(args),
            returns,
            returns_set,
            return_type,
            language,
            _option_text(opts["volatility"]).lower() if "volatility" in opts else "volatile",
            _option_text(opts["security"]) == "true" if "security" in opts else False,
            _option_text(opts["strict"]) == "true" if "strict" in opts else False,
            _option_text(opts["leakproof"]) == "true" if "leakproof" in opts else False,
            _option_text(opts["parallel"]).lower() if "parallel" in opts else None,
            tuple(config),
            body,
            is_proc,
            None,
            refs,
        )
        replace = bool(b.get("replace"))
        if language not in _BUILTIN_LANGUAGES:
            uses.append(language)
        self.out.append(
            new_effect(
                A.CREATE_OR_REPLACE if replace else A.CREATE,
                K.PROCEDURE if is_proc else K.FUNCTION,
                f"{schema}.{name}({', '.join(sig)})",
                self.ref,
                fdef,
                None,
                False,
                replace,
                False,
                False,
                tuple(dict.fromkeys(uses)) if len(uses) > 1 else tuple(uses),
                self.conditional,
            )
        )

    def _AlterFunctionStmt(self, b: dict[str, Any]) -> None:
        oid, _, _ = self._func_id(b.get("func") or {})
        kind = _OBJ_KIND.get(b.get("objtype", ""), K.FUNCTION)
        for item in b.get("actions", ()) or ():
            de = item.get("DefElem", {})
            key = de.get("defname", "")
            arg = de.get("arg")
            if key == "security":
                self.add(A.ALTER, kind, oid, new_change("security_definer", _defval(arg) == "true"))
            elif key == "set":
                vs = (arg or {}).get("VariableSetStmt", {})
                if vs.get("kind") in ("VAR_RESET", "VAR_RESET_ALL"):
                    self.add(A.ALTER, kind, oid, new_change("reset_config", vs.get("name")))
                else:
                    self.add(
                        A.ALTER, kind, oid, new_change("add_config", (vs.get("name", ""), _set_value(vs)))
                    )
            elif key in ("volatility", "parallel"):
                self.add(A.ALTER, kind, oid, new_change(key, _defval(arg).lower()))
            elif key in ("strict", "leakproof"):
                self.add(A.ALTER, kind, oid, new_change(key, _defval(arg) == "true"))
            else:
                self.add(A.ALTER, kind, oid, new_change(key, _defval(arg)))

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
        self.add(A.OWNER, kind, oid, new_change("owner", owner))
