"""Rule ``security-definer-view``: a view in an API-exposed schema runs with its owner's rights."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import ObjectKind, ObjectState, ViewDef
from pgconsolidate.rules._advisor import api_can_select, view_options
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.rules.rls_disabled import exposed_schemas


def exposed_views(ctx: RuleContext, kinds: tuple[ObjectKind, ...]) -> list[tuple[ObjectState, ViewDef]]:
    """The existing views (of ``kinds``) the migrations create in an API-exposed schema, sorted by id."""
    schemas = frozenset(exposed_schemas(ctx))
    if not schemas:
        return []
    out = [
        (v, v.detail)
        for kind in kinds
        for v in ctx.by_kind.get(kind, ())
        if v.exists and not v.external and type(v.detail) is ViewDef and v.detail.schema in schemas
    ]
    return sorted(out, key=lambda pair: pair[0].id)


@rule(
    id="security-definer-view",
    severity=Severity.ERROR,
    help="`ALTER VIEW ... SET (security_invoker = true)` (PostgreSQL 15 or later; or create it `WITH "
    "(security_invoker = true)`), so the view applies the row level security of its tables to the caller; "
    "on older versions move the view out of the exposed schemas or revoke SELECT from anon and "
    "authenticated.",
)
def security_definer_view(ctx: RuleContext) -> Iterator[Hit]:
    """A view in an API-exposed schema is not ``security_invoker``: it reads its tables with its owner's
    rights, bypassing their row level security.

    A view runs as its owner (the migration role, which owns the tables) unless it is created ``WITH
    (security_invoker = true)`` (PostgreSQL 15+). Through the API every user then reads every row of
    the tables behind it, whatever their policies say. This is Supabase's ``security_definer_view``
    advisor lint, found in the final schema of the migrations before it ships. The options in force are
    those of the view's last ``CREATE [OR REPLACE] VIEW`` (a replace resets them) and the ``ALTER VIEW
    ... SET / RESET`` after it. Views whose SELECT the migrations revoke from both ``anon`` and
    ``authenticated`` are left out; exposed schemas come from the ``exposed-schemas`` setting.
    """
    for view, d in exposed_views(ctx, (ObjectKind.VIEW,)):
        options, where = view_options(ctx, view)
        if options is None or options.get("security_invoker") or not api_can_select(ctx, view):
            continue
        yield Hit(
            f"view {view.id} is not security_invoker: it reads {', '.join(_tables(d)) or 'its tables'} "
            "with its owner's rights, bypassing their row level security for every API user",
            where,
            (),
            (view.id,),
        )


def _tables(d: ViewDef) -> list[str]:
    """The relations a view reads (its ``uses`` without functions), at most three."""
    rels = [u for u in d.uses if "(" not in u]
    return rels[:3] + (["..."] if len(rels) > 3 else [])
