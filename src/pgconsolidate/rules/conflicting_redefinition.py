"""Rule ``conflicting-redefinition``: a function or view defined again, differently, in another file."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import Action, ObjectKind, ViewDef
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.function_history import Definition, normalize_body, result_type
from pgconsolidate.rules.model_view import loc
from pgconsolidate.rules.registry import Hit, RuleContext, rule


def attributes(d: Definition) -> dict[str, str]:
    """The attributes of a definition that a redefinition may silently change, in words."""
    f = d.detail
    return {
        "security": "definer" if f.security_definer else "invoker",
        "search_path": f.search_path if f.search_path is not None else "(not set)",
        "volatility": f.volatility.upper(),
        "language": f.language.lower(),
        "returns": result_type(f),
        "strict": "strict" if f.strict else "called on null input",
    }


def differences(old: Definition, new: Definition) -> list[str]:
    """What differs between two definitions of one function, in words."""
    out = []
    if normalize_body(old.detail.body) != normalize_body(new.detail.body):
        out.append("body")
    old_attrs, new_attrs = attributes(old), attributes(new)
    for key in ("security", "search_path", "volatility", "language", "strict"):
        if old_attrs[key] != new_attrs[key]:
            out.append(f"{key} {old_attrs[key]} → {new_attrs[key]}")
    old_in = [a for a in old.detail.args if a.in_signature]
    new_in = [a for a in new.detail.args if a.in_signature]
    if [a.default is not None for a in old_in] != [a.default is not None for a in new_in]:
        out.append("argument defaults")
    if [a.type.display for a in old_in] != [a.type.display for a in new_in]:
        before = ", ".join(a.type.display for a in old_in)
        after = ", ".join(a.type.display for a in new_in)
        out.append(f"argument types ({before}) → ({after})")
    return out


def view_definitions(ctx: RuleContext) -> list[tuple[str, str, Location, tuple[str, Location] | None]]:
    """(view id, normalised query, where, (previous query, where) or None) for each view definition."""
    out = []
    for state in ctx.of_kind(ObjectKind.VIEW, ObjectKind.MATERIALIZED_VIEW, existing=False):
        previous: tuple[str, Location] | None = None
        for e in state.events:
            if e.action in (Action.CREATE, Action.CREATE_OR_REPLACE) and isinstance(e.detail, ViewDef):
                query = normalize_body(e.detail.query)
                out.append((state.id, query, loc(e), previous))
                previous = (query, loc(e))
            elif e.action == Action.DROP:
                previous = None
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
    for new, old in ctx.functions.redefinitions:
        if old.location.file == new.location.file:
            continue
        if result_type(old.detail) != result_type(new.detail):
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
    for vid, query, where, previous in view_definitions(ctx):
        if previous is None or previous[1].file == where.file or previous[0] == query:
            continue
        yield Hit(
            f"view {vid} is redefined with another query (previous definition at {previous[1]})",
            where,
            (previous[1],),
            (vid,),
        )
