"""Rule ``security-definer``: every function that, in the final state, runs as its owner."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.privileges import function_execute
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.rules.state import FunctionDef


def definer_location(fn: FunctionDef) -> Location:
    """The statement that made ``fn`` a definer: the last ALTER ... SECURITY DEFINER, else its definition."""
    if fn.security_location is not None and fn.security_location > fn.location:
        return fn.security_location
    return fn.location


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
    state = ctx.state
    for fn in sorted(state.functions.values(), key=lambda f: f.id):
        if not fn.definer:
            continue
        where = definer_location(fn)
        related = tuple(e.location for e in state.events(fn.id) if e.location != where)
        pinned = (
            f"search_path pinned to '{fn.search_path}'" if fn.search_path is not None else "no search_path"
        )
        privs = function_execute(state, fn, ctx.file_index())
        exposed = sorted(privs.roles & {"PUBLIC", "anon", "authenticated"})
        callers = f"executable by {', '.join(exposed)}" if exposed else "not executable by the API roles"
        yield Hit(
            f"{fn.id} is SECURITY DEFINER ({fn.language}, {pinned}, {callers})",
            where,
            related,
            (fn.id,),
        )
