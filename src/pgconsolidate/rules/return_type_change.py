"""Rule ``return-type-change``: CREATE OR REPLACE FUNCTION that changes the result type (fails at apply)."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.function_history import result_type
from pgconsolidate.rules.registry import Hit, RuleContext, rule


@rule(
    id="return-type-change",
    severity=Severity.ERROR,
    help="`DROP FUNCTION IF EXISTS f(argtypes);` right before the CREATE (and re-grant EXECUTE), or give the "
    "new version another name.",
)
def return_type_change(ctx: RuleContext) -> Iterator[Hit]:
    """CREATE OR REPLACE FUNCTION that changes the result type of an existing function.

    PostgreSQL refuses it (``42P13 cannot change return type of existing function``), including a
    change of OUT parameters or of the columns of ``RETURNS TABLE``: the migration stops there, and the
    old definition stays in force. The finding is at the failing statement and names the definition
    in force.
    """
    for new, old in ctx.functions.redefinitions:
        if not new.replace:
            continue
        before, after = result_type(old.detail), result_type(new.detail)
        if before == after:
            continue
        yield Hit(
            f"CREATE OR REPLACE {new.id} changes the result type {before} → {after}: fails with "
            f"'cannot change return type of existing function' (definition in force: {old.location})",
            new.location,
            (old.location,),
            (new.id,),
        )
