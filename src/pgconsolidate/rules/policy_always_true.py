"""Rule ``policy-always-true``: a permissive policy lets the API's roles write (insert, update or
delete) with a condition that is always true."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import orjson
from pglast.parser import parse_sql_json

from pgconsolidate.model.types import ObjectKind, PolicyDef
from pgconsolidate.rules._advisor import API_ROLES, expression_location, rls_on
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.rules.rls_disabled import exposed_schemas

#: Roles whose requests come through the API: ``anon``, ``authenticated`` and ``public`` (every role).
_OPEN_ROLES = frozenset({*API_ROLES, "public"})
#: The policy attributes that decide whether it fires (where the finding points: the last statement
#: that set one of them).
_ATTRIBUTES = frozenset({"using", "with_check", "roles"})
#: Only texts made of these tokens can be constant (checked before parsing): boolean and integer
#: literals, casts to boolean, ``=``, AND / OR / NOT, parentheses.
_CONSTANT_TOKENS = re.compile(
    r"(?:\s+|\(|\)|=|::|\d+|true|false|and|or|not|pg_catalog\.bool(?:ean)?|bool(?:ean)?|'[a-z0-9]*')+",
    re.IGNORECASE,
)
_TRUE_TEXTS = frozenset({"t", "tr", "tru", "true", "y", "ye", "yes", "on", "1"})
_BOOL_TYPES = frozenset({"bool", "boolean"})


def _const(node: dict[str, Any]) -> bool | int | str | None:
    """The value of an ``A_Const`` node (None for NULL or anything else)."""
    if "boolval" in node:
        return bool(node["boolval"].get("boolval", False))
    if "ival" in node:
        return int(node["ival"].get("ival", 0))
    if "sval" in node:
        return str(node["sval"].get("sval", ""))
    return None


def _is_true(node: Any) -> bool:
    """True when the expression tree ``node`` is certainly true for every row: ``true``, a true
    string or integer cast to boolean (``'t'::boolean``, ``1::bool``), ``n = n`` of two equal integer
    literals, an AND of true operands, an OR with a true operand, NOT of a false literal."""
    if not isinstance(node, dict) or len(node) != 1:
        return False
    ((kind, body),) = node.items()
    if kind == "A_Const":
        return _const(body) is True
    if kind == "TypeCast":
        names = [
            str(n.get("String", {}).get("sval", "")) for n in (body.get("typeName") or {}).get("names", ())
        ]
        if not names or names[-1] not in _BOOL_TYPES or names[:-1] not in ([], ["pg_catalog"]):
            return False
        arg = body.get("arg") or {}
        if "A_Const" not in arg:
            return _is_true(arg)
        value = _const(arg["A_Const"])
        if isinstance(value, str):
            return value.strip().lower() in _TRUE_TEXTS
        return value is True or (type(value) is int and value != 0)
    if kind == "A_Expr":
        if body.get("kind") != "AEXPR_OP" or [
            n.get("String", {}).get("sval") for n in body.get("name", ())
        ] != ["="]:
            return False
        left, right = body.get("lexpr") or {}, body.get("rexpr") or {}
        if "A_Const" not in left or "A_Const" not in right:
            return False
        a, b = _const(left["A_Const"]), _const(right["A_Const"])
        return type(a) is int and type(b) is int and a == b
    if kind == "BoolExpr":
        args: list[Any] = body.get("args") or []
        op = body.get("boolop")
        if op == "AND_EXPR":
            return bool(args) and all(_is_true(a) for a in args)
        if op == "OR_EXPR":
            return any(_is_true(a) for a in args)
        if op == "NOT_EXPR" and len(args) == 1 and "A_Const" in args[0]:
            return _const(args[0]["A_Const"]) is False
    return False


@lru_cache(maxsize=1024)
def always_true(expression: str | None) -> bool:
    """True when a policy expression (as the model keeps it: deparsed, ``TRUE``) is a constant that
    is certainly true. Anything that reads a column, calls a function or does not parse is not."""
    if not expression or not _CONSTANT_TOKENS.fullmatch(expression):
        return False
    try:
        stmts: list[Any] = orjson.loads(parse_sql_json(f"SELECT {expression}")).get("stmts") or []
        targets: list[Any] = stmts[0]["stmt"]["SelectStmt"]["targetList"]
    except Exception:  # a deparsed expression always parses; be safe anyway (no finding)
        return False
    return len(targets) == 1 and _is_true(targets[0].get("ResTarget", {}).get("val"))


def _opened(d: PolicyDef) -> str | None:
    """What an always-true policy lets its roles do (None when its writes are conditioned).

    INSERT is checked by WITH CHECK (USING when there is none, for FOR ALL); UPDATE and DELETE reach
    the rows USING lets through (a WITH CHECK on UPDATE only limits the new values)."""
    command = d.command.lower()
    using = always_true(d.using)
    check = always_true(d.with_check) if d.with_check is not None else using
    if command == "insert":
        return "insert any row" if check else None
    if command in ("update", "delete"):
        return f"{command} every row" if using else None
    if command == "all":
        if using:
            return "insert, update and delete every row" if check else "update and delete every row"
        return "insert any row" if check else None
    return None


@rule(
    id="policy-always-true",
    severity=Severity.WARNING,
    help="Give the policy a real condition on who may write which row (`WITH CHECK ((select auth.uid()) = "
    "user_id)`, `USING ((select auth.uid()) = user_id)`) with `ALTER POLICY`, or, if only the backend "
    "should write, restrict it to the service role (`TO service_role`, which bypasses RLS anyway) "
    "or drop it.",
)
def policy_always_true(ctx: RuleContext) -> Iterator[Hit]:
    """A policy lets the API's roles insert, update or delete rows on a condition that is always true.

    The policy is permissive, for INSERT, UPDATE, DELETE or ALL, for ``anon``, ``authenticated`` or
    ``public``, on a table with row level security in an API-exposed schema.
    ``CREATE POLICY "x" ON t FOR INSERT TO anon, authenticated WITH CHECK (true)`` (or ``FOR ALL USING
    (true)``, ``FOR UPDATE USING (true)``, ``FOR DELETE USING (true)``) turns row level security on in
    name only: anyone with the project's anon key may insert any row, or change or delete every row,
    through the API. Often such a policy was written to get a feature working, or meant for the
    backend (which uses the service role and needs no policy). This is Supabase's advisor warning about
    always-true write policies, found in the final schema of the migrations before it ships (later
    ``ALTER POLICY`` and ``DROP POLICY`` statements count). Only conditions that are certainly constant
    count (``true``, ``1 = 1``, ``'t'::boolean``, AND / OR of those); a SELECT policy ``USING (true)``
    is left alone (public read access is a choice), as are restrictive policies, policies only for
    other roles (``service_role``), tables without row level security (see ``rls-disabled`` and
    ``policy-without-rls``) and tables outside the exposed schemas (the ``exposed-schemas`` setting,
    ``public`` for a Supabase/PostgREST directory by default). The finding points at the CREATE or
    ALTER POLICY that last set the policy's condition or roles.
    """
    schemas = frozenset(exposed_schemas(ctx))
    if not schemas:
        return
    objects = ctx.schema.objects
    truth: dict[str | None, bool] = {None: False}  # per distinct expression text (often repeated)
    for policy in ctx.by_kind.get(ObjectKind.POLICY, ()):
        if not policy.exists:
            continue
        d = policy.detail
        if type(d) is not PolicyDef or not d.permissive or d.command == "select":
            continue
        using, check = d.using, d.with_check
        u = truth.get(using)
        if u is None:
            u = truth[using] = always_true(using)
        c = truth.get(check)
        if c is None:
            c = truth[check] = always_true(check)
        if not (u or c) or _OPEN_ROLES.isdisjoint(d.roles):
            continue  # the usual case: a real condition
        opened = _opened(d)
        if opened is None or d.table.split(".", 1)[0] not in schemas or not rls_on(objects, d.table):
            continue
        roles = [r for r in d.roles if r in _OPEN_ROLES]
        who = "every role (public)" if "public" in roles else ", ".join(roles)
        yield Hit(
            f"policy {d.name!r} on {d.table} (FOR {d.command.upper()} TO {', '.join(d.roles)}) is always "
            f"true: {who} may {opened} through the API",
            expression_location(policy, _ATTRIBUTES),
            (),
            (policy.id,),
        )
