"""Rule ``security-definer``: every function that, in the final state, runs as its owner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from pgconsolidate.model.types import FunctionDef, ObjectState
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.model_view import definition, event_locations, last_change, loc
from pgconsolidate.rules.privileges import API_ROLES, Privileges, function_execute
from pgconsolidate.rules.registry import Hit, RuleContext, new_hit, rule

_SECURITY = frozenset({"security_definer"})


def definition_location(fn: ObjectState) -> Location:
    """The statement whose definition of ``fn`` is in force at the end."""
    e = definition(fn)
    return loc(e) if e is not None else Location("")


def definer_location(fn: ObjectState) -> Location:
    """The statement that made ``fn`` a definer: the last ALTER ... SECURITY DEFINER, else its definition."""
    where = definition_location(fn)
    alter = last_change(fn, _SECURITY, where)
    return loc(alter) if alter is not None else where


class Definer(NamedTuple):
    """A SECURITY DEFINER routine of the final state, with what the rules about definers ask of it."""

    state: ObjectState
    detail: FunctionDef
    where: Location  #: :func:`definer_location`
    privileges: Privileges  #: who may execute it (:func:`~pgconsolidate.rules.privileges.function_execute`)


def definers(ctx: RuleContext) -> tuple[Definer, ...]:
    """The routines of ``ctx.routines`` (same order) that are SECURITY DEFINER at the end, each with
    where it became a definer and who may execute it: made once per context for the three rules about
    definers (one unit, see ``rules.parallel``), which on large directories see thousands of them."""
    return ctx.memo("security-definers", _definers, ctx)


def _definers(ctx: RuleContext) -> tuple[Definer, ...]:
    order, defaults = ctx.file_index(), ctx.default_privileges
    return tuple(
        [
            Definer(fn, detail, definer_location(fn), function_execute(fn, defaults, order))
            for fn, detail in ctx.routines
            if detail.security_definer
        ]
    )


@rule(
    id="security-definer",
    severity=Severity.INFO,
    help="Keep SECURITY DEFINER only where the function must bypass RLS or privileges; pin "
    "`SET search_path = ''` (or pg_catalog, public), qualify every name, and REVOKE EXECUTE ... FROM PUBLIC, "
    "anon when the API must not call it.",
)
def security_definer(ctx: RuleContext) -> Iterator[Hit]:
    """A function that, at the end of the migrations, is SECURITY DEFINER (runs with its owner's rights).

    Definers bypass row level security and the caller's privileges. In Supabase every function in an
    exposed schema is an RPC endpoint, and PostgreSQL grants EXECUTE to PUBLIC by default, so a definer
    is callable by ``anon`` unless EXECUTE is revoked. This inventory lists every definer in the final
    state (after ``ALTER FUNCTION ... SECURITY INVOKER`` and ``CREATE OR REPLACE`` without
    ``SECURITY DEFINER``, which resets it to INVOKER): review each one. The finding points at the
    statement that made it a definer and lists the function's other definitions and ALTERs.
    """
    callers_of: dict[frozenset[str], str] = {}  # roles holding EXECUTE → what the message says of them
    for fn, detail, where, privs in definers(ctx):
        path = detail.search_path
        path = "" if path == '""' else path  # SET search_path = '' prints as "" (like pg_proc.proconfig)
        pinned = f"search_path pinned to '{path}'" if path is not None else "no search_path"
        callers = callers_of.get(privs.roles)
        if callers is None:
            exposed = sorted(privs.roles & API_ROLES)
            callers = callers_of[privs.roles] = (
                f"executable by {', '.join(exposed)}" if exposed else "not executable by the API roles"
            )
        yield new_hit(
            f"{fn.id} is SECURITY DEFINER ({detail.language}, {pinned}, {callers})",
            where,
            event_locations(fn, where),
            (fn.id,),
        )
