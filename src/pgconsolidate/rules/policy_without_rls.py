"""Rule ``policy-without-rls``: a policy on a table whose row level security is off."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.registry import Hit, RuleContext, rule


@rule(
    id="policy-without-rls",
    severity=Severity.ERROR,
    help="Add `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` for the table (the policies then take effect), or "
    "drop the policies if the table is meant to be open.",
)
def policy_without_rls(ctx: RuleContext) -> Iterator[Hit]:
    """A policy exists on a table that, in the final state, does not have row level security enabled.

    Policies do nothing until RLS is enabled on their table: the author believed access was restricted,
    but every role with table privileges sees and changes every row.
    """
    state = ctx.state
    for policy in sorted(state.policies.values(), key=lambda p: p.id):
        table = state.tables.get(policy.table)
        if table is None or table.rls:
            continue
        yield Hit(
            f"policy {policy.id} has no effect: row level security is not enabled on {policy.table}",
            policy.location,
            (table.location,),
            (policy.id,),
        )
