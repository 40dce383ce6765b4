"""Rule ``security-definer-search-path``: a SECURITY DEFINER function without a pinned search_path."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.registry import Hit, RuleContext, rule


@rule(
    id="security-definer-search-path",
    severity=Severity.WARNING,
    help="Add `SET search_path = ''` (and schema-qualify every name in the body) or `SET search_path = "
    "pg_catalog, public` to the CREATE FUNCTION itself; an ALTER FUNCTION ... SET is lost at the next "
    "CREATE OR REPLACE.",
)
def security_definer_search_path(ctx: RuleContext) -> Iterator[Hit]:
    """A SECURITY DEFINER function whose search_path is not pinned, in the final state.

    The function runs with its owner's rights but resolves unqualified names through the caller's
    search_path, so a caller who can create objects in a schema earlier on the path (or ``pg_temp``) can
    make it run their code (CVE-2018-1058 class). ``CREATE OR REPLACE`` replaces the function's
    settings: a search_path pinned by an earlier ``ALTER FUNCTION ... SET search_path`` is lost. The
    finding points at the statement that left the function unpinned.
    """
    state = ctx.state
    for fn in sorted(state.functions.values(), key=lambda f: f.id):
        if not fn.definer or fn.search_path is not None:
            continue
        where = fn.location
        if fn.search_path_location is not None and fn.search_path_location > where:
            where = fn.search_path_location
        lost = [
            e.location
            for e in state.events(fn.id)
            if e.action == "alter" and "search_path =" in e.detail and e.location < where
        ]
        note = (
            f"; the search_path pinned at {lost[-1]} was lost when {where} replaced the function"
            if lost
            else ""
        )
        related = tuple(e.location for e in state.events(fn.id) if e.location != where)
        yield Hit(
            f"{fn.id} is SECURITY DEFINER without SET search_path{note}",
            where,
            related,
            (fn.id,),
        )
