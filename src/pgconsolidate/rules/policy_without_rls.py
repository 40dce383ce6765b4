"""Rule ``policy-without-rls``: a policy on a table whose row level security is off."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import ObjectKind, TableDef
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import birth_location
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
    schema = ctx.schema
    for policy in ctx.of_kind(ObjectKind.POLICY):  # in any order: the runner sorts the findings
        table = schema.get(policy.parent or "")
        if table is None or not table.exists or not isinstance(table.detail, TableDef) or table.detail.rls:
            continue
        yield Hit(
            f"policy {policy.id} has no effect: row level security is not enabled on {table.id}",
            birth_location(policy),
            (birth_location(table),),
            (policy.id,),
        )
