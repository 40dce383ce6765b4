"""Helpers shared by the rules that find the Supabase database linter's problems (splinter's lints)
statically: the statement an effect comes from, where an object was defined in applied order, and
whether the API roles can read a view.

Pure: reads the rule context (the folded model and the split statements), no database, no disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import orjson
from pglast.parser import parse_sql_json

from pgconsolidate.model.types import (
    Action,
    Effect,
    GrantDef,
    ObjectKind,
    ObjectState,
    PolicyDef,
    SourceRef,
    TableDef,
    ViewDef,
)
from pgconsolidate.rules.finding import Location
from pgconsolidate.rules.model_view import birth, birth_location, definition, last_change, loc
from pgconsolidate.rules.nodes import tree
from pgconsolidate.statements.model import FileStatements, Statement

if TYPE_CHECKING:
    from pgconsolidate.rules.registry import RuleContext

#: Roles PostgREST (Supabase's API) switches to for requests with the anon key or a user's token.
API_ROLES = ("anon", "authenticated")

#: Roles for which policies are never evaluated on Supabase: ``service_role`` and ``supabase_admin``
#: have BYPASSRLS, and ``postgres`` owns the tables the migrations create (owners bypass RLS unless it
#: is forced).
BYPASS_RLS_ROLES = frozenset({"service_role", "supabase_admin", "postgres"})

_SELECTING = frozenset({"select", "all", "all privileges"})


def _files_by_path(files: Iterable[FileStatements]) -> dict[str, FileStatements]:
    return {fs.file: fs for fs in files}


def statement_at(ctx: RuleContext, ref: SourceRef) -> Statement | None:
    """The statement an effect comes from (None when the file or statement is not there)."""
    by_path = ctx.memo("advisor-files", _files_by_path, ctx.files)
    fs = by_path.get(ref.file)
    if fs is None:
        return None
    statements = fs.statements
    i = ref.statement_index
    if 0 <= i < len(statements) and statements[i].index == i:
        return statements[i]
    return next((st for st in statements if st.index == i), None)


def applied_position(effect: Effect, order: dict[str, int]) -> tuple[int, int, int]:
    """Where ``effect`` is in applied order: (file position, statement index, line)."""
    ref = effect.ref
    return (order.get(ref.file, len(order)), ref.statement_index, ref.line)


def api_can_select(ctx: RuleContext, state: ObjectState) -> bool:
    """True unless the migrations took SELECT on ``state`` away from both API roles.

    On Supabase every table, view and materialized view created in ``public`` is readable by ``anon``
    and ``authenticated`` by the platform's default privileges, which the migrations do not show: a
    relation counts as readable unless a REVOKE in its timeline took SELECT (or ALL) from a role and no
    later GRANT gave it back, for both roles."""
    revoked: set[str] = set()
    for e in state.events:
        if e.action is not Action.REVOKE:
            continue
        d = e.detail
        if isinstance(d, GrantDef) and not d.columns and _SELECTING.intersection(d.privileges):
            revoked.update(g.lower() for g in d.grantees)
    if not revoked:
        return True
    privileges = ctx.schema.privileges
    for role in API_ROLES:
        if role not in revoked or "select" in privileges.get((state.id, role), frozenset()):
            return True
    return False


#: Calls whose value is the same for every row of a query (who the caller is, a setting), which a
#: policy should compute once: ``auth.uid()`` → ``(select auth.uid())``.
PER_QUERY_CALLS = frozenset(
    {"auth.uid", "auth.jwt", "auth.role", "auth.email", "current_setting", "pg_catalog.current_setting"}
)


def _funcname(node: dict[str, Any]) -> str:
    return ".".join(str(n.get("String", {}).get("sval", "")) for n in node.get("funcname") or ())


def _wrapper(sublink: dict[str, Any]) -> bool:
    """True for a scalar sub-select without FROM, ``(select auth.uid())``: PostgreSQL runs it once per
    query (an InitPlan) when nothing in it refers to the row."""
    if sublink.get("subLinkType") != "EXPR_SUBLINK":
        return False
    select = (sublink.get("subselect") or {}).get("SelectStmt") or {}
    return not select.get("fromClause")


def _calls(node: Any, wrapped: bool, found: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "FuncCall" and isinstance(value, dict):
                name = _funcname(value)
                if name in PER_QUERY_CALLS and not wrapped:
                    found.append("current_setting(...)" if name.endswith("current_setting") else name + "()")
                _calls(value, wrapped, found)
            elif key == "SubLink" and isinstance(value, dict):
                _calls(value, _wrapper(value), found)
            else:
                _calls(value, wrapped, found)
    elif isinstance(node, list):
        for item in node:
            _calls(item, wrapped, found)


@lru_cache(maxsize=8192)
def per_row_calls(expression: str) -> tuple[str, ...]:
    """The calls of :data:`PER_QUERY_CALLS` in a policy expression that are not wrapped in a scalar
    sub-select of their own (so PostgreSQL evaluates them for every row), distinct, in order. Empty
    when the expression has none or does not parse."""
    lower = expression.lower()
    if "auth." not in lower and "current_setting" not in lower:
        return ()
    try:
        data = parse_sql_json(f"SELECT {expression}")
        stmts = orjson.loads(data).get("stmts") or ()
    except Exception:  # a deparsed expression always parses; be safe anyway (no finding)
        return ()
    found: list[str] = []
    _calls(stmts, False, found)
    return tuple(dict.fromkeys(found))


def policies(ctx: RuleContext) -> list[ObjectState]:
    """The existing policies of the final schema (with a :class:`PolicyDef`)."""
    return [p for p in ctx.of_kind(ObjectKind.POLICY) if type(p.detail) is PolicyDef]


def rls_enforced(ctx: RuleContext, table_id: str) -> bool:
    """True when the policies of ``table_id`` take effect: the table ends with row level security on.
    A table the migrations never created is assumed to have it when it lives in Supabase's ``storage``
    schema (``storage.objects``, ``storage.buckets``: the platform enables it)."""
    return rls_on(ctx.schema.objects, table_id)


def rls_on(objects: Mapping[str, ObjectState], table_id: str) -> bool:
    """:func:`rls_enforced`, given the schema's objects (for loops over many policies)."""
    table = objects.get(table_id)
    if table is not None and table.exists and not table.external:
        d = table.detail
        if type(d) is TableDef:
            return d.rls
    return (table is None or table.external) and table_id.startswith("storage.")


def expression_location(policy: ObjectState, attributes: frozenset[str]) -> Location:
    """Where a policy got its final expression(s): the last ALTER POLICY changing one of
    ``attributes`` after its creation, else its creation."""
    created = birth(policy)
    where = loc(created) if created is not None else birth_location(policy)
    changed = last_change(policy, attributes, where)
    return loc(changed) if changed is not None else where


_TRUE = frozenset({"true", "on", "yes", "1", "t", "tr", "tru", "y", "ye"})
_RELOPTION_CHANGES = frozenset({"setreloptions", "resetreloptions"})


def _truth(value: str | None) -> bool:
    return value is None or value.lower() in _TRUE


def view_options(ctx: RuleContext, view: ObjectState) -> tuple[dict[str, bool] | None, Location]:
    """The boolean options of a view in force at the end (``security_invoker``, ``security_barrier``)
    and where they were last set: the last CREATE [OR REPLACE] VIEW (which resets them) and each
    ``ALTER VIEW ... SET (...)`` / ``RESET (...)`` after it. None for the options when a statement
    that changes them cannot be read."""
    created = definition(view)
    where = loc(created) if created is not None else birth_location(view)
    d = created.detail if created is not None and isinstance(created.detail, ViewDef) else view.detail
    options = {k.lower(): _truth(v) for k, v in d.options} if isinstance(d, ViewDef) else {}
    events = view.events
    start = events.index(created) + 1 if created is not None and created in events else 0
    for e in events[start:]:
        if e.action is not Action.ALTER or getattr(e.detail, "attribute", None) not in _RELOPTION_CHANGES:
            continue
        st = statement_at(ctx, e.ref)
        node = tree(st).get("AlterTableStmt") if st is not None else None
        if node is None:
            return None, where
        for wrap in node.get("cmds") or ():
            cmd = wrap.get("AlterTableCmd", {})
            sub = cmd.get("subtype")
            if sub not in ("AT_SetRelOptions", "AT_ResetRelOptions"):
                continue
            items = ((cmd.get("def") or {}).get("List") or {}).get("items") or ()
            for item in items:
                de = item.get("DefElem", {})
                name = str(de.get("defname", "")).lower()
                if sub == "AT_ResetRelOptions":
                    options.pop(name, None)
                else:
                    arg = de.get("arg")
                    value = None if arg is None else _defelem_text(arg)
                    options[name] = _truth(value)
            where = loc(e)
    return options, where


def _defelem_text(arg: dict[str, Any]) -> str:
    if "String" in arg:
        return str(arg["String"].get("sval", ""))
    if "Integer" in arg:
        return str(arg["Integer"].get("ival", 0))
    if "Boolean" in arg:
        return "true" if arg["Boolean"].get("boolval") else "false"
    return ""
