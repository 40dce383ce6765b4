"""Rule ``rls-enabled-no-policy``: a table of an API-exposed schema has row level security on but no
policy at all."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pgconsolidate.model.types import Action, DynamicSql, ObjectKind, TableDef
from pgconsolidate.rules._advisor import statement_at
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.model_view import birth_location, last_event, loc
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.rules.rls_disabled import exposed_schemas

_CREATE_POLICY = re.compile(r"\bcreate\s+policy\b", re.IGNORECASE)
_CATALOG_LOOP = re.compile(r"\b(?:information_schema|pg_tables|pg_class|pg_namespace)\b", re.IGNORECASE)


def _unseen_policies(ctx: RuleContext) -> tuple[bool, str]:
    """(True when SQL the model cannot read creates policies on tables it finds at run time, the
    texts that create policies on tables they name). DO blocks that run ``EXECUTE format('create
    policy ...')``, and functions whose body creates policies (run by a later ``SELECT f()``), make
    policies the model does not see."""
    texts: list[str] = []
    for e in ctx.schema.dynamic:
        d = e.detail
        if not isinstance(d, DynamicSql) or not d.opaque:
            continue
        st = statement_at(ctx, e.ref)
        texts.append(st.text if st is not None else "")
    for kind in (ObjectKind.FUNCTION, ObjectKind.PROCEDURE):
        for routine in ctx.by_kind.get(kind, ()):
            body = getattr(routine.detail, "body", "")
            if body and "policy" in body.lower():
                texts.append(body)
    found: list[str] = []
    for text in texts:
        if _CREATE_POLICY.search(text):
            if _CATALOG_LOOP.search(text):
                return True, ""
            found.append(text.lower())
    return False, "\n".join(found)


@rule(
    id="rls-enabled-no-policy",
    severity=Severity.INFO,
    help="If the API should reach the table, add policies for the access it needs (`CREATE POLICY ... FOR "
    "SELECT TO authenticated USING (...)`); if only functions and the service role should, say so with "
    "`-- pgconsolidate: ignore rls-enabled-no-policy` or move it to a schema the API does not expose.",
)
def rls_enabled_no_policy(ctx: RuleContext) -> Iterator[Hit]:
    """A table in an API-exposed schema ends with row level security enabled and no policy.

    With RLS on and no policy, every query through the API (``anon``, ``authenticated``) sees no rows
    and cannot write any: only roles that bypass RLS (the service role, table owners) reach the table.
    That is right for a table only SECURITY DEFINER functions or the backend touch, and a mistake when
    the policies were forgotten or lost (dropped by a later migration, or never created because their
    migration failed). This is Supabase's ``rls_enabled_no_policy`` advisor lint (level info), found
    in the final schema of the migrations before it ships. Exposed schemas come from the
    ``exposed-schemas`` setting (``public`` for a Supabase/PostgREST directory by default). Tables whose
    name a DO block or a function that creates policies with ``EXECUTE`` mentions are left out (the
    model cannot see those policies), as is everything when such code finds its tables in the catalog.
    """
    schemas = frozenset(exposed_schemas(ctx))
    if not schemas:
        return
    candidates = []
    for table in ctx.by_kind.get(ObjectKind.TABLE, ()):
        if table.exists and not table.external:
            d = table.detail
            if type(d) is TableDef and d.rls and d.schema in schemas:
                candidates.append((table, d))
    if not candidates:
        return
    with_policy = {p.parent for p in ctx.by_kind.get(ObjectKind.POLICY, ()) if p.exists}
    candidates = [(t, d) for t, d in candidates if t.id not in with_policy]
    if not candidates:
        return
    blind, dynamic = _unseen_policies(ctx)
    if blind:
        return
    wanted = {t.id for t, _ in candidates}
    dropped: dict[str, list[Location]] = {}  # where the policies a table had were dropped
    for p in ctx.by_kind.get(ObjectKind.POLICY, ()):
        if not p.exists and p.parent in wanted:
            drop = last_event(p, (Action.DROP,))
            if drop is not None:
                dropped.setdefault(p.parent, []).append(loc(drop))
    for table, d in candidates:
        if dynamic and re.search(rf"(?<![\w$]){re.escape(d.name.lower())}(?![\w$])", dynamic):
            continue
        switch = last_event(table, (Action.ENABLE_RLS,))
        where = loc(switch) if switch is not None else birth_location(table)
        gone = sorted(set(dropped.get(table.id, ())))
        related = [birth_location(table)] if switch is not None else []
        why = f" (its policies were dropped at {', '.join(map(str, gone))})" if gone else ""
        yield Hit(
            f"{table.id} has row level security enabled but no policy{why}: the API (anon, authenticated) "
            "can neither read nor write it",
            where,
            tuple(dict.fromkeys([*related, *gone])),
            (table.id,),
        )
