"""Rule ``rls-disabled``: a table in an API-exposed schema without row level security."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pgconsolidate.model.types import Action
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import birth_location, event_locations, last_event, loc
from pgconsolidate.rules.registry import Hit, RuleContext, rule

_API_SIGNS = re.compile(
    r"\bauth\.(?:uid|jwt|role|users)\b|\b(?:anon|authenticated|service_role|authenticator)\b|postgrest",
    re.IGNORECASE,
)


def serves_api(ctx: RuleContext) -> bool:
    """True when the directory looks like a Supabase / PostgREST project (its path says supabase, or its
    SQL mentions the API roles or ``auth.*``)."""
    if "supabase" in ctx.mdir.root.lower():
        return True
    return any(f.text and _API_SIGNS.search(f.text) for f in ctx.mdir.files)


def exposed_schemas(ctx: RuleContext) -> tuple[str, ...]:
    """Schemas the API exposes: the ``rls-disabled.exposed-schemas`` option, else the global setting, else
    ``public`` for a Supabase/PostgREST directory and none otherwise."""
    value = ctx.option("rls-disabled", "exposed-schemas", None) or ctx.settings.get("exposed-schemas")
    if value:
        return tuple(value)
    return ("public",) if serves_api(ctx) else ()


@rule(
    id="rls-disabled",
    severity=Severity.ERROR,
    help="`ALTER TABLE ... ENABLE ROW LEVEL SECURITY` and add policies for the access the API needs; for a "
    "table only functions should touch, enable RLS without policies or move it to a schema the API does "
    "not expose.",
)
def rls_disabled(ctx: RuleContext) -> Iterator[Hit]:
    """A table in an API-exposed schema (``public`` by default) that ends without row level security.

    Supabase (PostgREST) serves every table of its exposed schemas, and the usual grants (``GRANT ALL ON
    ALL TABLES IN SCHEMA public TO anon, authenticated``) make such a table readable and writable by
    anyone with the anon key. Reference tables that "only functions write to" are still readable and
    writable through the API. Configure the schemas with ``exposed-schemas`` in ``[tool.pgconsolidate]``;
    by default ``public`` when the directory looks like a Supabase/PostgREST project (its path, the API
    roles or ``auth.*`` in its SQL), and no schema otherwise.
    """
    schemas = set(exposed_schemas(ctx))
    for table, detail in ctx.tables:
        schema = detail.schema
        if schema not in schemas or detail.rls:
            continue
        where = birth_location(table)
        switch = last_event(table, (Action.ENABLE_RLS, Action.DISABLE_RLS))
        rls_location = loc(switch) if switch is not None else None
        why = f"RLS was disabled at {rls_location}" if rls_location else "RLS is never enabled"
        yield Hit(
            f"{table.id} is in the exposed schema {schema} and {why}: the API can read and write every row",
            rls_location or where,
            event_locations(table, where),
            (table.id,),
        )
