"""Rule ``grant-to-anon``: write privileges on tables granted wholesale to ``anon`` or PUBLIC."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.nodes import relation_id
from pgconsolidate.rules.registry import Hit, RuleContext, rule

_WRITE = {"ALL", "INSERT", "UPDATE", "DELETE", "TRUNCATE"}
_ANON = {"anon", "PUBLIC"}


@rule(
    id="grant-to-anon",
    severity=Severity.WARNING,
    help="Grant only what the anonymous API needs (usually SELECT on a few tables), rely on RLS for rows, "
    "and never GRANT ALL / TRUNCATE to anon or PUBLIC.",
)
def grant_to_anon(ctx: RuleContext) -> Iterator[Hit]:
    """``GRANT ALL`` (or INSERT/UPDATE/DELETE/TRUNCATE) on tables to ``anon`` or PUBLIC, directly, on all
    tables of a schema, or through ``ALTER DEFAULT PRIVILEGES``.

    With the anon key anyone can then write to every such table that lacks row level security, and
    TRUNCATE bypasses RLS altogether. Blanket grants written "before most tables exist" also silently
    apply to every later table through default privileges.
    """
    for st, action, privs, roles in ctx.state.grants:
        if action not in ("grant", "default-grant"):
            continue
        b = st.body if action == "grant" else (st.body.get("action") or {})
        if (
            b.get("objtype") not in ("OBJECT_TABLE", "OBJECT_SEQUENCE")
            or b.get("objtype") == "OBJECT_SEQUENCE"
        ):
            continue
        bad = sorted(set(privs) & _WRITE)
        who = sorted(set(roles) & _ANON)
        if not bad or not who:
            continue
        if action == "default-grant":
            target = "every table created later (default privileges)"
        elif b.get("targtype") == "ACL_TARGET_ALL_IN_SCHEMA":
            schemas = ", ".join(o.get("String", {}).get("sval", "") for o in b.get("objects") or ())
            target = f"all tables in schema {schemas}"
        else:
            target = ", ".join(relation_id(o) for o in b.get("objects") or ())
        yield Hit(
            f"{', '.join(bad)} on {target} granted to {', '.join(who)}",
            Location(st.file, st.line, st.column),
            objects=tuple(who),
        )
