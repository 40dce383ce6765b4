"""Rule ``security-definer``: every function that, in the final state, runs as its owner."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import ObjectState
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.model_view import definition, event_locations, last_change, loc
from pgconsolidate.rules.privileges import API_ROLES, function_execute
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
    order, defaults = ctx.file_index(), ctx.default_privileges
    callers_of: dict[frozenset[str], str] = {}  # roles holding EXECUTE → what the message says of them
    for fn, detail in ctx.routines:
        if not detail.security_definer:
            continue
        where = ctx.memo(fn.id, definer_location, fn)
        path = detail.search_path
        path = "" if path == '""' else path  # SET search_path = '' prints as "" (like pg_proc.proconfig)
        pinned = f"search_path pinned to '{path}'" if path is not None else "no search_path"
        privs = ctx.memo(fn.id, function_execute, fn, defaults, order)
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
