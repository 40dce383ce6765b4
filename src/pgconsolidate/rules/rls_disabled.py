"""Rule ``rls-disabled``: a table in an API-exposed schema without row level security."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pgconsolidate.model.types import Action, DefaultPrivilegesDef, Effect, GrantDef, ObjectState
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.model_view import birth, birth_location, event_locations, last_event, loc
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

    What the API can do is said from the privileges the chain leaves to ``anon``, ``authenticated`` and
    PUBLIC on the table: Supabase grants every privilege on new tables of ``public`` to the API roles
    (its default privileges), then the table's GRANTs and REVOKEs (and ALTER DEFAULT PRIVILEGES run
    before the table was made) add and take away. When they leave the API roles no privilege at all
    (``REVOKE ALL ON t FROM anon, authenticated``, the recipe for tables only a hook or a definer
    reads), the table is reported as info only, saying so: the API cannot reach it today, but one
    later GRANT (or re-creating the table) exposes every row. Supabase's advisor
    (``rls_disabled_in_public``) reports such a table regardless of grants; here the severity follows
    what the API can actually do, and the finding stays so the advisor's report is not a surprise.
    """
    schemas = set(exposed_schemas(ctx))
    order = ctx.file_index()
    for table, detail in ctx.tables:
        schema = detail.schema
        if schema not in schemas or detail.rls:
            continue
        where = birth_location(table)
        switch = last_event(table, (Action.ENABLE_RLS, Action.DISABLE_RLS))
        rls_location = loc(switch) if switch is not None else None
        why = f"RLS was disabled at {rls_location}" if rls_location else "RLS is never enabled"
        held, revoked_at = api_privileges(ctx, table, schema, order)
        related = event_locations(table, where)
        if not held:
            revoked = f" (revoked at {revoked_at})" if revoked_at else ""
            yield Hit(
                f"{table.id} is in the exposed schema {schema} and {why}, but anon, authenticated and "
                f"PUBLIC hold no privilege on it{revoked}: the API cannot reach it now; a later GRANT "
                "would expose every row",
                rls_location or where,
                related,
                (table.id,),
                Severity.INFO,
            )
            continue
        reads = "select" in held
        writes = bool(held & _WRITES)
        can = "read and write" if reads and writes else "read" if reads else "write"
        yield Hit(
            f"{table.id} is in the exposed schema {schema} and {why}: the API can {can} every row",
            rls_location or where,
            related,
            (table.id,),
        )


_DATA = frozenset({"select", "insert", "update", "delete"})
_WRITES = frozenset({"insert", "update", "delete"})
_API_ROLES = ("anon", "authenticated", "public")


def _privileges(names: tuple[str, ...]) -> frozenset[str]:
    """The row privileges among ``names`` (``all`` expanded)."""
    if any(p.startswith("all") for p in names):
        return _DATA
    return _DATA.intersection(names)


def api_privileges(
    ctx: RuleContext, table: ObjectState, schema: str, order: dict[str, int]
) -> tuple[frozenset[str], Location | None]:
    """The row privileges (select, insert, update, delete) ``anon``, ``authenticated`` or PUBLIC hold on
    ``table`` at the end, and where the last REVOKE from one of them is. They start with every row
    privilege for ``anon`` and ``authenticated`` (Supabase's default privileges on new tables), changed
    by the ALTER DEFAULT PRIVILEGES run before the table was made (for tables in its schema or every
    schema, by the migrations' role), then by the GRANTs and REVOKEs on the table since it was made
    (one on every table of the schema included). A column grant counts as a privilege held."""
    held = {"anon": set(_DATA), "authenticated": set(_DATA), "public": set()}
    born = birth(table)
    start = table.events.index(born) if born is not None else 0
    missing = len(order)
    born_at = (order.get(born.ref.file, missing), born.ref.statement_index) if born is not None else None
    changes: list[tuple[bool, frozenset[str], tuple[str, ...], Effect]] = []
    if born_at is not None:
        for e in ctx.default_privileges:
            d = e.detail
            if (
                not isinstance(d, DefaultPrivilegesDef)
                or d.object_type != "table"
                or (d.grant_option and d.revoke)
            ):
                continue
            if (order.get(e.ref.file, missing), e.ref.statement_index) >= born_at:
                break
            if (d.schemas and schema not in d.schemas) or (d.for_roles and "postgres" not in d.for_roles):
                continue
            changes.append((d.revoke, _privileges(d.privileges), d.grantees, e))
    for e in table.events[start:]:
        g = e.detail
        if e.action not in _GRANT_OR_REVOKE or not isinstance(g, GrantDef) or (g.grant_option and g.revoke):
            continue
        if g.revoke and g.columns:
            continue  # a column revoke leaves the table's privileges
        changes.append((g.revoke, _privileges(g.privileges), g.grantees, e))
    revoked_at: Location | None = None
    for revoke, privs, grantees, e in changes:
        for grantee in grantees:
            current = held.get(grantee.lower())
            if current is None:
                continue
            if revoke:
                current -= privs
                revoked_at = loc(e)
            else:
                current |= privs
    return frozenset().union(*held.values()), revoked_at


_GRANT_OR_REVOKE = (Action.GRANT, Action.REVOKE)
