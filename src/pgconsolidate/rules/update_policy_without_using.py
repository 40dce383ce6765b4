"""Rule ``update-policy-without-using``: an UPDATE policy with only ``WITH CHECK`` lets no row be updated."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import ObjectKind, PolicyDef
from pgconsolidate.rules._advisor import expression_location
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import policy_states
from pgconsolidate.rules.registry import Hit, RuleContext, rule

_EXPRESSIONS = frozenset({"using", "with_check"})


def _roles(d: PolicyDef) -> frozenset[str]:
    return frozenset(r.lower() for r in d.roles) or frozenset({"public"})


def _overlap(a: frozenset[str], b: frozenset[str]) -> bool:
    return "public" in a or "public" in b or bool(a & b)


@rule(
    id="update-policy-without-using",
    severity=Severity.WARNING,
    help="Add the rows the role may update as `USING (...)` (usually the same condition as the WITH CHECK: "
    "`ALTER POLICY ... USING ((select auth.uid()) = user_id)`); WITH CHECK only checks the new row.",
)
def update_policy_without_using(ctx: RuleContext) -> Iterator[Hit]:
    """A permissive ``FOR UPDATE`` policy has a ``WITH CHECK`` but no ``USING``, and no other permissive
    UPDATE (or ALL) policy of the table with a ``USING`` applies to its roles.

    Which existing rows a role may update is decided by the ``USING`` expressions of the UPDATE policies;
    ``WITH CHECK`` only checks the new version of a row. With no ``USING`` anywhere, PostgreSQL lets the
    role update no row: ``UPDATE`` succeeds and changes nothing (no error), so "mark as seen" or "edit my
    profile" silently does nothing through the API.
    """
    by_table: dict[str, list[PolicyDef]] = {}
    policies = list(policy_states(ctx.by_kind.get(ObjectKind.POLICY, ())))
    for _, d in policies:
        if d.permissive and d.command in ("update", "all"):
            by_table.setdefault(d.table, []).append(d)
    if not by_table:
        return
    for policy, d in policies:
        if not d.permissive:
            continue
        if d.command != "update" or d.using or not d.with_check:
            continue
        mine = _roles(d)
        if any(o.using and _overlap(mine, _roles(o)) for o in by_table.get(d.table, ()) if o is not d):
            continue
        yield Hit(
            f"policy {d.name!r} on {d.table} is FOR UPDATE with only WITH CHECK: no UPDATE policy of the "
            "table says which rows may be updated (USING), so an UPDATE through it changes no row, without "
            "an error",
            expression_location(policy, _EXPRESSIONS),
            (),
            (policy.id,),
        )
