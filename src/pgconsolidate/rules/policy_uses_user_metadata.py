"""Rule ``policy-uses-user-metadata``: a policy trusts ``user_metadata``, which users can edit."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pgconsolidate.model.types import ObjectKind
from pgconsolidate.rules._advisor import expression_location
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import policy_states
from pgconsolidate.rules.registry import Hit, RuleContext, rule

_EXPRESSIONS = frozenset({"using", "with_check"})
#: ``auth.users.raw_user_meta_data`` (the column), or the JWT's ``user_metadata`` claim read from
#: ``auth.jwt()`` or the ``request.jwt.claims`` setting
_RAW = re.compile(r"\braw_user_meta_data\b", re.IGNORECASE)
_CLAIM = re.compile(r"'user_metadata'|\buser_metadata\b", re.IGNORECASE)
_JWT = re.compile(r"\bauth\.jwt\s*\(|request\.jwt\.claim", re.IGNORECASE)


def reads_user_metadata(expression: str) -> str | None:
    """What user-editable metadata a policy expression reads (``raw_user_meta_data`` or
    ``user_metadata``), or None."""
    if "meta" not in expression.lower():
        return None
    if _RAW.search(expression):
        return "raw_user_meta_data"
    if _CLAIM.search(expression) and _JWT.search(expression):
        return "user_metadata"
    return None


@rule(
    id="policy-uses-user-metadata",
    severity=Severity.ERROR,
    help="Decide access on `app_metadata` (only the service role can change it: `auth.jwt() -> "
    "'app_metadata' ->> 'role'`) or on a table of your own (`exists (select 1 from team_members ...)`), "
    "never on `user_metadata` / `raw_user_meta_data`.",
)
def policy_uses_user_metadata(ctx: RuleContext) -> Iterator[Hit]:
    """A row level security policy decides on ``user_metadata`` (the JWT claim) or
    ``raw_user_meta_data`` (its column in ``auth.users``).

    Every signed-in user can set their own ``user_metadata`` from the client
    (``supabase.auth.updateUser({ data: { role: 'admin' } })``): a policy such as ``auth.jwt() ->
    'user_metadata' ->> 'role' = 'admin'`` lets anyone make themselves admin. This is Supabase's
    ``rls_references_user_metadata`` advisor lint, found in the final schema of the migrations before
    it ships.
    """
    for policy, d in policy_states(ctx.by_kind.get(ObjectKind.POLICY, ())):
        found = None
        for text in (d.using, d.with_check):
            if text and "meta" in text:
                found = found or reads_user_metadata(text)
        if found is None:
            continue
        yield Hit(
            f"policy {d.name!r} on {d.table} decides on {found}, which every user can change for themselves",
            expression_location(policy, _EXPRESSIONS),
            (),
            (policy.id,),
        )
