"""Rule ``policy-per-row-auth-call``: a policy calls ``auth.uid()`` (or another per-query function) for
every row instead of once per query."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import ObjectKind
from pgconsolidate.rules._advisor import BYPASS_RLS_ROLES, expression_location, per_row_calls, rls_on
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import loc, policy_states
from pgconsolidate.rules.registry import Hit, RuleContext, new_hit, rule

_EXPRESSIONS = frozenset({"using", "with_check"})


@rule(
    id="policy-per-row-auth-call",
    severity=Severity.WARNING,
    help="Wrap each call in a sub-select of its own: `(select auth.uid()) = user_id` instead of "
    "`auth.uid() = user_id` (`ALTER POLICY ... USING (...)` / `WITH CHECK (...)`); the policy means the "
    "same and PostgreSQL computes the value once per query.",
)
def policy_per_row_auth_call(ctx: RuleContext) -> Iterator[Hit]:
    """A row level security policy calls ``auth.uid()``, ``auth.jwt()``, ``auth.role()``,
    ``auth.email()`` or ``current_setting(...)`` directly, so PostgreSQL calls it again for every row
    the query reads.

    Their value is the same for the whole query, but as a plain call in ``USING`` or ``WITH CHECK``
    the function runs per row: on large tables queries through the API get many times slower. Wrapped
    in a scalar sub-select of its own, ``(select auth.uid())``, it becomes an InitPlan that runs once.
    A call inside a larger sub-query (``team_id in (select team_id from members where user_id =
    auth.uid())``) still runs for every row that sub-query reads, and is reported too. This is
    Supabase's ``auth_rls_initplan`` advisor lint, found in the final schema of the migrations before it
    ships; only policies of tables with row level security enabled are looked at (the others have no
    effect, see ``policy-without-rls``), and not those only for roles that bypass it (``service_role``).
    """
    calls_in: dict[str, tuple[str, ...]] = {}  # per distinct expression text (often repeated)
    said: dict[tuple[str, ...], str] = {}  # the message's end, per list of calls
    enforced: dict[str, bool] = {}  # per table
    objects = ctx.schema.objects
    for policy, d in policy_states(ctx.by_kind.get(ObjectKind.POLICY, ())):
        calls: tuple[str, ...] = ()
        text = d.using
        if text:
            calls = calls_in.get(text) or ()
            if text not in calls_in:
                calls = calls_in[text] = per_row_calls(text)
        text = d.with_check
        if text:
            found = calls_in.get(text)
            if found is None:
                found = calls_in[text] = per_row_calls(text)
            if found:
                calls = found if not calls else tuple(dict.fromkeys((*calls, *found)))
        if not calls:
            continue
        table = d.table
        on = enforced.get(table)
        if on is None:
            on = enforced[table] = rls_on(objects, table)
        if not on or BYPASS_RLS_ROLES.issuperset(d.roles):
            continue  # no effect, or never evaluated (roles that bypass row level security)
        tail = said.get(calls)
        if tail is None:
            tail = said[calls] = (
                f" calls {', '.join(calls)} for every row: wrap each call as (select {calls[0]}) so it runs "
                "once per query"
            )
        events = policy.events
        yield new_hit(
            f"policy {d.name!r} on {table}{tail}",
            loc(events[0]) if len(events) == 1 else expression_location(policy, _EXPRESSIONS),
            (),
            (policy.id,),
        )
