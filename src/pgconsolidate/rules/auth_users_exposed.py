"""Rule ``auth-users-exposed``: a view of an API-exposed schema reads ``auth.users``."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import ObjectKind, ViewDef
from pgconsolidate.rules._advisor import api_can_select, view_options
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.rules.security_definer_view import exposed_views

AUTH_USERS = "auth.users"


def _path_to_auth_users(ctx: RuleContext, start: ViewDef) -> list[str] | None:
    """The chain of views from ``start`` to ``auth.users`` (``[]`` when it reads it directly), or None
    when it does not read it, directly or through other views."""
    objects = ctx.schema.objects
    seen: set[str] = set()
    todo: list[tuple[ViewDef, list[str]]] = [(start, [])]
    while todo:
        view, path = todo.pop()
        if AUTH_USERS in view.uses:
            return path
        for used in view.uses:
            if used in seen:
                continue
            seen.add(used)
            state = objects.get(used)
            if state is not None and state.exists and type(state.detail) is ViewDef:
                todo.append((state.detail, [*path, used]))
    return None


@rule(
    id="auth-users-exposed",
    severity=Severity.ERROR,
    help="Select only the columns the app needs from a table of your own (a `profiles` table filled by a "
    "trigger on auth.users), or move the view to a schema the API does not expose, or make it "
    "`security_invoker = true` / revoke SELECT on it from anon and authenticated.",
)
def auth_users_exposed(ctx: RuleContext) -> Iterator[Hit]:
    """A view or materialized view in an API-exposed schema reads ``auth.users``.

    ``auth.users`` holds every user's e-mail, phone, password hash metadata and sign-in data; the API
    roles cannot read it. A view in an exposed schema runs with its owner's rights (a materialized view
    holds a copy), so through it ``anon`` and ``authenticated`` read what they could not. Views that
    read ``auth.users`` through other views count too. This is Supabase's ``auth_users_exposed``
    advisor lint, found in the final schema of the migrations before it ships. Views that are
    ``security_invoker`` (the caller needs rights on ``auth.users`` itself) or whose SELECT the
    migrations revoke from both ``anon`` and ``authenticated`` are left out.
    """
    views = exposed_views(ctx, (ObjectKind.VIEW, ObjectKind.MATERIALIZED_VIEW))
    for view, d in views:
        path = _path_to_auth_users(ctx, d)
        if path is None or not api_can_select(ctx, view):
            continue
        options, where = view_options(ctx, view)
        if not d.materialized and (options is None or options.get("security_invoker")):
            continue
        through = f" (through {' → '.join(path)})" if path else ""
        what = "materialized view" if d.materialized else "view"
        yield Hit(
            f"{what} {view.id} reads auth.users{through}: anon and authenticated can read users' "
            "private data through it",
            where,
            (),
            (view.id, AUTH_USERS),
        )
