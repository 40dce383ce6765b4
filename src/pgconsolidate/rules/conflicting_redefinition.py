"""Rule ``conflicting-redefinition``: a function or view defined again, differently, in another file."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.rules.state import FunctionDef, normalize_body


def differences(old: FunctionDef, new: FunctionDef) -> list[str]:
    """What differs between two definitions of one function, in words."""
    out = []
    if normalize_body(old.body) != normalize_body(new.body):
        out.append("body")
    old_attrs, new_attrs = old.attributes(), new.attributes()
    for key in ("security", "search_path", "volatility", "language", "strict"):
        if old_attrs[key] != new_attrs[key]:
            out.append(f"{key} {old_attrs[key]} → {new_attrs[key]}")
    old_defaults = [a.has_default for a in old.in_args]
    new_defaults = [a.has_default for a in new.in_args]
    if old_defaults != new_defaults:
        out.append("argument defaults")
    if [a.full_type for a in old.in_args] != [a.full_type for a in new.in_args]:
        before = ", ".join(a.full_type for a in old.in_args)
        after = ", ".join(a.full_type for a in new.in_args)
        out.append(f"argument types ({before}) → ({after})")
    return out


@rule(
    id="conflicting-redefinition",
    severity=Severity.WARNING,
    help="Decide which definition is right and keep only that one (in the consolidated baseline); when a "
    "later file must change a function, restate every attribute (SECURITY, SET search_path, volatility).",
)
def conflicting_redefinition(ctx: RuleContext) -> Iterator[Hit]:
    """The same function or view is defined in several files with different bodies or attributes.

    Which definition is live depends on which file ran last, and on production that may not be the
    last file in the directory. ``CREATE OR REPLACE`` also silently resets what it does not restate:
    SECURITY DEFINER becomes INVOKER and a search_path pinned by ALTER is dropped. The message lists what
    changed (body, security, search_path, volatility, language, defaults); a change of result type is the
    ``return-type-change`` rule.
    """
    state = ctx.state
    for new, old in state.function_defs:
        if old is None or old.returns != new.returns or old.location.file == new.location.file:
            continue
        diff = differences(old, new)
        if not diff:
            continue
        yield Hit(
            f"{new.id} is redefined (previous definition at {old.location}); differs in: {'; '.join(diff)}",
            new.location,
            (old.location,),
            (new.id,),
        )
    for view, previous in state.view_defs:
        if previous is None or previous.location.file == view.location.file:
            continue
        if previous.definition != view.definition:
            yield Hit(
                f"view {view.id} is redefined with another query (previous definition at "
                f"{previous.location})",
                view.location,
                (previous.location,),
                (view.id,),
            )
