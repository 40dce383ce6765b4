"""Rule ``grant-to-anon``: write privileges on tables granted wholesale to ``anon`` or PUBLIC."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import DefaultPrivilegesDef, Effect, GrantDef, ObjectKind
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import loc
from pgconsolidate.rules.registry import Hit, RuleContext, rule

_WRITE = {"ALL", "INSERT", "UPDATE", "DELETE", "TRUNCATE"}
_ANON = {"anon", "PUBLIC"}
_TABLE = ObjectKind.TABLE


def _anonymous(roles: tuple[str, ...]) -> list[str]:
    """The anonymous roles among ``roles`` (anon, PUBLIC in upper case), sorted."""
    return sorted({"PUBLIC" if r.lower() == "public" else r for r in roles} & _ANON)


def _writes(privileges: tuple[str, ...]) -> list[str]:
    """The write privileges among ``privileges`` (in upper case, ``all ...`` as ALL), sorted."""
    return sorted({"ALL" if p.startswith("all") else p.upper() for p in privileges} & _WRITE)


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
    # one GRANT statement names several objects: its effects are grouped back per statement
    # (the runner sorts the findings: the statements are looked at in any order)
    statements: dict[tuple[str, int], list[Effect]] = {}
    for e in (*ctx.schema.grants, *ctx.default_privileges):
        ref = e.ref
        key = (ref.file, ref.statement_index)
        group = statements.get(key)
        if group is None:
            statements[key] = [e]
        else:
            group.append(e)
    # the same grantee and privilege lists recur on every statement: each is read once
    anonymous: dict[tuple[str, ...], list[str]] = {}
    writes: dict[tuple[str, ...], list[str]] = {}
    for effects in statements.values():
        first = effects[0].detail
        if isinstance(first, DefaultPrivilegesDef):
            if first.revoke or first.object_type != "table":
                continue
        elif isinstance(first, GrantDef):
            if first.revoke or first.object_kind != _TABLE:
                continue
        else:
            continue
        privs, roles = first.privileges, first.grantees
        who = anonymous.get(roles)
        if who is None:
            who = anonymous[roles] = _anonymous(roles)
        if not who:
            continue
        bad = writes.get(privs)
        if bad is None:
            bad = writes[privs] = _writes(privs)
        if not bad:
            continue
        # what the grant is on: named only for the grants reported
        if isinstance(first, DefaultPrivilegesDef):
            target = "every table created later (default privileges)"
        else:
            ids = [e.detail.object_id for e in effects if isinstance(e.detail, GrantDef)]
            if first.object_id.endswith(".*"):
                target = "all tables in schema " + ", ".join(i[:-2] for i in ids)
            else:
                target = ", ".join(ids)
        yield Hit(
            f"{', '.join(bad)} on {target} granted to {', '.join(who)}",
            loc(effects[0]),
            objects=tuple(who),
        )
