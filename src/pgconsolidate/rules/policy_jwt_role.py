"""Rule ``policy-jwt-role``: a policy compares the JWT's ``role`` claim with an application role."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pgconsolidate.model.types import ObjectKind
from pgconsolidate.rules._advisor import expression_location
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import policy_states
from pgconsolidate.rules.registry import Hit, RuleContext, rule

_EXPRESSIONS = frozenset({"using", "with_check"})
#: the database roles a Supabase request runs as (the JWT's ``role`` claim)
_API_ROLES = frozenset({"anon", "authenticated", "service_role", "supabase_admin", "postgres"})
_CAST = r"(?:::(?:text|character varying|varchar|name))?"
#: the top-level ``role`` claim: ``auth.jwt() ->> 'role'``, ``auth.role()``, the request.jwt.claim(s)
#: settings; ``auth.jwt() -> 'app_metadata' ->> 'role'`` is another claim (not matched)
_CLAIM = (
    rf"(?:auth\.jwt\s*\(\s*\)\s*->>\s*'role'{_CAST}"
    r"|auth\.role\s*\(\s*\)"
    r"|current_setting\s*\(\s*'request\.jwt\.claim\.role'[^)]*\)"
    rf"|\(?\s*current_setting\s*\(\s*'request\.jwt\.claims'[^)]*\)\s*(?:::jsonb?)?\s*\)?\s*->>\s*'role'{_CAST})"
)
_CLAIM_FIRST = re.compile(rf"{_CLAIM}\s*\)*\s*=\s*\(*\s*'([^']*)'{_CAST}", re.IGNORECASE)
_VALUE_FIRST = re.compile(rf"'([^']*)'{_CAST}\s*\)*\s*=\s*\(*\s*{_CLAIM}", re.IGNORECASE)


def app_roles_compared(expression: str) -> list[str]:
    """The values other than the API's database roles that ``expression`` compares the JWT's top-level
    ``role`` claim with."""
    if "role" not in expression:
        return []
    out: list[str] = []
    for pattern in (_CLAIM_FIRST, _VALUE_FIRST):
        for m in pattern.finditer(expression):
            value = m.group(1)
            if value not in _API_ROLES and value not in out:
                out.append(value)
    return out


@rule(
    id="policy-jwt-role",
    severity=Severity.WARNING,
    help="Keep an application role where only the service role can set it and read it from there: "
    "`auth.jwt() -> 'app_metadata' ->> 'role' = 'admin'` (set with the admin API or a custom access token "
    "hook) or a table of your own (`exists (select 1 from admins where user_id = (select auth.uid()))`).",
)
def policy_jwt_role(ctx: RuleContext) -> Iterator[Hit]:
    """A row level security policy compares the JWT's top-level ``role`` claim (``auth.jwt() ->>
    'role'``, ``auth.role()``, ``current_setting('request.jwt.claim.role')``) with a value that is not a
    role the request can run as (``anon``, ``authenticated``, ``service_role``) nor a role the migrations
    create.

    That claim is the database role PostgREST switches to for the request; Supabase Auth issues
    ``authenticated`` for every signed-in user. ``auth.jwt() ->> 'role' = 'admin'`` is therefore never
    true: the policy lets no one through (an "admins can ..." policy that works for no admin), and with
    ``OR`` it silently adds nothing. An application role belongs in ``app_metadata`` or a table.
    """
    created = {r.id.lower() for r in ctx.by_kind.get(ObjectKind.ROLE, ()) if r.exists}
    for policy, d in policy_states(ctx.by_kind.get(ObjectKind.POLICY, ())):
        values: list[str] = []
        for text in (d.using, d.with_check):
            if text and "role" in text:
                values += [
                    v for v in app_roles_compared(text) if v not in values and v.lower() not in created
                ]
        if not values:
            continue
        shown = ", ".join(repr(v) for v in values)
        yield Hit(
            f"policy {d.name!r} on {d.table} compares the JWT's role claim with {shown}: that claim is the "
            "database role the request runs as (anon, authenticated, service_role), so the condition is "
            "never true",
            expression_location(policy, _EXPRESSIONS),
            (),
            (policy.id,),
        )
