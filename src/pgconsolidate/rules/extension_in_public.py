"""Rule ``extension-in-public``: an extension is installed in the ``public`` schema."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import Action, ExtensionDef, ObjectKind
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import birth, birth_location, loc
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.rules.rls_disabled import exposed_schemas, serves_api

#: Extensions whose control file fixes their schema: they never land in ``public``.
FIXED_SCHEMA = frozenset(
    {"plpgsql", "pg_cron", "pg_graphql", "pgsodium", "supabase_vault", "pgmq", "pg_tle", "adminpack"}
)

#: Extensions every Supabase project already has in schema ``extensions``: there ``CREATE EXTENSION IF
#: NOT EXISTS`` of one of them, whatever schema it names, changes nothing.
SUPABASE_PREINSTALLED = frozenset({"uuid-ossp", "pgcrypto", "pg_stat_statements", "pgjwt"}) | FIXED_SCHEMA


@rule(
    id="extension-in-public",
    severity=Severity.WARNING,
    help="Create it in a schema of its own: `CREATE EXTENSION IF NOT EXISTS name WITH SCHEMA extensions;` "
    "(for one already installed: `ALTER EXTENSION name SET SCHEMA extensions;`), and add that schema to the "
    "search_path of the roles or functions that use it.",
)
def extension_in_public(ctx: RuleContext) -> Iterator[Hit]:
    """An extension is created in ``public`` (named, or by default: the first schema of the
    ``search_path`` when the statement names none), and ``public`` is exposed by the API.

    Its functions, types and operators then live next to the application's tables: PostgREST serves
    the functions as RPC endpoints to ``anon`` and ``authenticated``, ``GRANT ... ON ALL FUNCTIONS IN
    SCHEMA public`` hands them out, and schema diffs and dumps mix them with the app's objects. This is
    Supabase's ``extension_in_public`` advisor lint, found in the final schema of the migrations before it
    ships. Left out: ``plpgsql`` and the extensions whose schema is fixed, and, in a Supabase
    project, ``CREATE EXTENSION IF NOT EXISTS`` of one the platform preinstalls in ``extensions``
    (``uuid-ossp``, ``pgcrypto``, ...), which changes nothing there.
    """
    if "public" not in exposed_schemas(ctx):
        return
    supabase = serves_api(ctx)
    for ext in ctx.by_kind.get(ObjectKind.EXTENSION, ()):
        d = ext.detail
        if not ext.exists or ext.external or type(d) is not ExtensionDef:
            continue
        if d.schema != "public" or d.name in FIXED_SCHEMA:
            continue
        created = birth(ext)
        if supabase and d.name in SUPABASE_PREINSTALLED and (created is None or created.if_not_exists):
            continue
        moved = next(
            (
                e
                for e in reversed(ext.events)
                if e.action == Action.ALTER and getattr(e.detail, "attribute", None) == "schema"
            ),
            None,
        )
        where = loc(moved) if moved is not None else birth_location(ext)
        how = "moved to" if moved is not None else "created in"
        yield Hit(
            f"extension {d.name} is {how} schema public: its functions are exposed by the API next to the "
            "application's",
            where,
            (birth_location(ext),) if moved is not None else (),
            (ext.id,),
        )
