"""Rule ``definer-executable-by-public``: a SECURITY DEFINER function the API roles can still execute."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pgconsolidate.model.types import ObjectKind
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import policy_states
from pgconsolidate.rules.privileges import API_ROLES, Privileges
from pgconsolidate.rules.registry import Hit, RuleContext, new_hit, rule
from pgconsolidate.rules.security_definer import definers


@rule(
    id="definer-executable-by-public",
    severity=Severity.WARNING,
    help="`REVOKE EXECUTE ON FUNCTION f(args) FROM PUBLIC, anon, authenticated;` then GRANT EXECUTE only to "
    "the roles that need it (revoking from anon alone does nothing while PUBLIC keeps EXECUTE).",
)
def definer_executable_by_public(ctx: RuleContext) -> Iterator[Hit]:
    """A SECURITY DEFINER function whose EXECUTE was explicitly granted to, or not fully revoked from, the
    API roles.

    PostgreSQL grants EXECUTE on every new function to PUBLIC. ``REVOKE EXECUTE ... FROM anon,
    authenticated`` therefore leaves the function callable by ``anon`` through PUBLIC, and ``GRANT ALL
    ON ALL FUNCTIONS IN SCHEMA public TO anon`` makes every definer (maintenance jobs included) an RPC
    anyone can call with the anon key, running with the owner's rights. Reported when a GRANT to
    PUBLIC/anon/authenticated covers the definer, or a REVOKE left it executable through PUBLIC. A
    definer that row level security policies for a granted role call (an RLS helper) needs that role's
    EXECUTE: the finding says so, since revoking it makes every query of those tables fail.
    """
    # what is said (and from which statement) depends on the roles only: told once per combination (on
    # large directories thousands of definers share a few)
    told: dict[tuple[frozenset[str], frozenset[str], frozenset[str]], tuple[bool, str] | None] = {}
    policies: list[tuple[str, frozenset[str], str]] | None = None
    for fn, _detail, definer_at, privs in definers(ctx):
        key = (privs.roles, privs.revoked_from, privs.granted_to)
        said = told.get(key, _UNTOLD)
        if said is _UNTOLD:
            said = told[key] = _why(privs)
        if said is None:
            continue
        revoked, why = said
        if not revoked:
            if policies is None:
                policies = [
                    (p.id, frozenset(r.lower() for r in p.roles), f"{p.using or ''} {p.with_check or ''}")
                    for _, p in policy_states(ctx.by_kind.get(ObjectKind.POLICY, ()))
                ]
            why += _needed_by_policies(fn.id, privs.granted_to & API_ROLES, policies)
        where = privs.revokes[-1] if revoked else privs.grants[-1]
        yield new_hit(
            f"SECURITY DEFINER {fn.id} is executable by the API roles: {why}",
            where,
            (
                definer_at,
                *[g for g in privs.grants if g != where][:3],
            ),
            (fn.id,),
        )


_UNTOLD: Any = object()


def _needed_by_policies(
    function: str, granted: frozenset[str], policies: list[tuple[str, frozenset[str], str]]
) -> str:
    """What to add when row level security policies for a role granted EXECUTE call the function (an RLS
    helper such as ``is_household_member(uuid)``): that role needs EXECUTE, every query of the table fails
    with permission denied without it, so the advice to revoke it does not apply (seen on a real Supabase
    finance app, whose consolidation keeps the grant)."""
    name = function.split("(")[0].rsplit(".", 1)[-1]
    call = re.compile(rf"(?<![\w$]){re.escape(name)}\s*\(", re.IGNORECASE)
    callers: list[str] = []
    needing: set[str] = set()
    for pid, roles, text in policies:
        applies = granted if "public" in roles else roles & granted
        if applies and call.search(text):
            callers.append(pid)
            needing |= applies
    if not callers:
        return ""
    more = f" and {len(callers) - 2} more" if len(callers) > 2 else ""
    who = ", ".join(sorted(needing)) + (" needs" if len(needing) == 1 else " need")
    return (
        f"; RLS policies call it ({', '.join(callers[:2])}{more}), so {who} EXECUTE (revoked, every query "
        "of their tables fails with permission denied for function): keep the grant and move the function "
        "to a schema the API does not expose"
    )


def _why(privs: Privileges) -> tuple[bool, str] | None:
    """(whether a REVOKE is to blame, why the API roles can execute) for a definer's privileges, or None
    when they cannot (or nothing explicit left them able to)."""
    if not privs.roles & API_ROLES:
        return None
    if privs.revoked_from and "PUBLIC" in privs.roles:
        return True, (
            f"EXECUTE was revoked from {', '.join(sorted(privs.revoked_from))} but PUBLIC still has it, "
            "so every role can still call it"
        )
    if privs.granted_to & API_ROLES:
        return False, f"EXECUTE is granted to {', '.join(sorted(privs.granted_to & API_ROLES))}"
    return None
