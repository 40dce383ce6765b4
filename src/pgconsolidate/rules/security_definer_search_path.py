"""Rule ``security-definer-search-path``: a SECURITY DEFINER function without a pinned search_path."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import Action
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import event_locations, last_change, loc
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.rules.security_definer import definers, definition_location

_ALTER = Action.ALTER
_CONFIG = frozenset({"add_config", "reset_config"})


def _pins_search_path(change: object) -> bool:
    """True for an ``ALTER FUNCTION ... SET search_path = ...`` change."""
    if getattr(change, "attribute", None) != "add_config":
        return False
    value = getattr(change, "value", None)
    return isinstance(value, tuple) and bool(value) and value[0] == "search_path"


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
    for fn, detail, _where, _privileges in definers(ctx):
        if detail.search_path is not None:
            continue
        where = definition_location(fn)
        reset = last_change(fn, _CONFIG, where)
        if reset is not None:
            where = loc(reset)
        lost = [
            loc(e) for e in fn.events if e.action == _ALTER and _pins_search_path(e.detail) and loc(e) < where
        ]
        note = (
            f"; the search_path pinned at {lost[-1]} was lost when {where} replaced the function"
            if lost
            else ""
        )
        yield Hit(
            f"{fn.id} is SECURITY DEFINER without SET search_path{note}",
            where,
            event_locations(fn, where),
            (fn.id,),
        )
