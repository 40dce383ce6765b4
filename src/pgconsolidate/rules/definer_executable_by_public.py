"""Rule ``definer-executable-by-public``: a SECURITY DEFINER function the API roles can still execute."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pgconsolidate.rules.finding import Severity
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
    PUBLIC/anon/authenticated covers the definer, or a REVOKE left it executable through PUBLIC.
    """
    # what is said (and from which statement) depends on the roles only: told once per combination (on
    # large directories thousands of definers share a few)
    told: dict[tuple[frozenset[str], frozenset[str], frozenset[str]], tuple[bool, str] | None] = {}
    for fn, _detail, definer_at, privs in definers(ctx):
        key = (privs.roles, privs.revoked_from, privs.granted_to)
        said = told.get(key, _UNTOLD)
        if said is _UNTOLD:
            said = told[key] = _why(privs)
        if said is None:
            continue
        revoked, why = said
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
