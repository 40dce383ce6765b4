"""Rule ``overload-ambiguity``: overloads such that one call matches several functions."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.function_history import Definition
from pgconsolidate.rules.registry import Hit, RuleContext, rule


def ambiguous_arities(a: Definition, b: Definition) -> list[int]:
    """Argument counts for which a call matches both ``a`` and ``b`` exactly (same leading types)."""
    a_in = [x.type.signature for x in a.detail.args if x.in_signature]
    b_in = [y.type.signature for y in b.detail.args if y.in_signature]
    lo = max(a.required, b.required)
    hi = min(len(a_in), len(b_in))
    out = []
    for k in range(lo, hi + 1):
        if a_in[:k] == b_in[:k]:
            out.append(k)
    return out


@rule(
    id="overload-ambiguity",
    severity=Severity.ERROR,
    help="Drop the old overload (`DROP FUNCTION IF EXISTS f(old args)`) when adding parameters with "
    "defaults, or remove the defaults; CREATE OR REPLACE with a different argument list adds an overload, "
    "it does not replace.",
)
def overload_ambiguity(ctx: RuleContext) -> Iterator[Hit]:
    """Overloads where one call matches several functions, e.g. ``f(text)`` and ``f(text, text DEFAULT …)``.

    ``CREATE OR REPLACE FUNCTION`` with a longer argument list does not replace the old function, it adds
    a second one. When the new parameters have defaults, every call that omits them matches both and
    fails with ``42725 function ... is not unique``, including RPC calls from supabase-js with named
    arguments and SQL functions created later that call it (they fail at creation).
    """
    history = ctx.functions
    for new, others in history.overloads_at_create:
        for other in others:
            arities = ambiguous_arities(new, other)
            if not arities:
                continue
            live = new.id in history.live and other.id in history.live
            calls = ", ".join(str(k) for k in arities)
            yield Hit(
                f"{new.id} and {other.id} (at {other.location}) both match a call with {calls} argument(s): "
                f"such calls fail with 'function is not unique'"
                + ("" if live else " (until one of them is dropped later)"),
                new.location,
                (other.location,),
                (new.id, other.id),
                severity=None if live else Severity.WARNING,
            )
