"""Rule ``multiple-permissive-policies``: more than one permissive policy for the same table, role and
command."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.model.types import ObjectKind, ObjectState, PolicyDef
from pgconsolidate.rules._advisor import BYPASS_RLS_ROLES, applied_position, rls_enforced
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import birth, loc
from pgconsolidate.rules.registry import Hit, RuleContext, rule

_COMMANDS = ("select", "insert", "update", "delete")

#: System schemas of Supabase whose policies the platform manages (splinter leaves them out too).
_SYSTEM_SCHEMAS = frozenset(
    {"auth", "storage", "realtime", "extensions", "graphql", "graphql_public", "vault", "pgsodium"}
    | {"supabase_functions", "supabase_migrations", "cron", "net", "information_schema", "pg_catalog"}
)


def _commands(d: PolicyDef) -> tuple[str, ...]:
    command = d.command.lower()
    return _COMMANDS if command == "all" else (command,)


def _may_overlap(a: PolicyDef, b: PolicyDef) -> bool:
    """False when two policies surely apply to no common (role, command) pair."""
    ca, cb = a.command, b.command
    if ca != cb and ca != "all" and cb != "all":
        return False
    ra, rb = a.roles, b.roles
    return "public" in ra or "public" in rb or not set(ra).isdisjoint(rb)


def _overlaps(group: list[ObjectState]) -> dict[tuple[str, ...], list[tuple[str, str]]]:
    """The sets of policy ids (two or more) that all apply to one (role, command) pair, each with the
    pairs it applies to. ``public`` policies apply to every role: to each role another policy names,
    and to every other role (shown as ``public``)."""
    by_command: dict[str, list[ObjectState]] = {}
    for p in group:
        for command in _commands(p.detail):
            by_command.setdefault(command, []).append(p)
    out: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for command in _COMMANDS:
        found = by_command.get(command, ())
        if len(found) < 2:
            continue
        named = {r for p in found for r in p.detail.roles} - BYPASS_RLS_ROLES
        for role in sorted(named):
            applying = tuple(p.id for p in found if role in p.detail.roles or "public" in p.detail.roles)
            if role == "public":
                applying = tuple(p.id for p in found if "public" in p.detail.roles)
            if len(applying) > 1:
                out.setdefault(applying, []).append((role, command))
    return out


@rule(
    id="multiple-permissive-policies",
    severity=Severity.WARNING,
    help="Merge the policies of each (role, command) into one (their conditions joined with OR), or make "
    "the extra ones `AS RESTRICTIVE` if they were meant to narrow access; give each policy its own "
    "command (`FOR SELECT`, ...) rather than `FOR ALL` next to a `FOR SELECT` one.",
)
def multiple_permissive_policies(ctx: RuleContext) -> Iterator[Hit]:
    """A table has more than one permissive policy for the same role and command.

    PostgreSQL evaluates every permissive policy that applies to a query and ORs them: each extra one
    runs for every row, which makes queries through the API slower, and an extra policy quietly widens
    access (a row one policy hides, another shows). Often the extra policy is a leftover of a rewrite,
    or a ``FOR ALL`` policy next to a ``FOR SELECT`` one. A policy ``TO public`` (the default) applies
    to every role. This is Supabase's ``multiple_permissive_policies`` advisor lint, found in the final
    schema of the migrations before it ships. Roles that bypass row level security (``service_role``,
    ``postgres``), Supabase's own schemas (``auth``, ``storage``, ...) and tables without row level security
    (whose policies do nothing, see ``policy-without-rls``) are left out. The finding points
    at the policy created last and lists the others.
    """
    # one pass over every policy, keyed by (table, command): only the tables where two permissive
    # policies share a command (or one is FOR ALL) are looked at further (on large directories, few)
    first: dict[tuple[str, str], ObjectState] = {}
    claim = first.setdefault
    suspects: dict[str, None] = {}
    for_all: list[str] = []
    for p in ctx.by_kind.get(ObjectKind.POLICY, ()):
        if p.exists:
            d = p.detail
            if type(d) is PolicyDef and d.permissive:
                if d.command == "all":
                    for_all.append(d.table)
                elif claim((d.table, d.command), p) is not p:
                    suspects[d.table] = None
    for table in for_all:
        suspects[table] = None
    if not suspects:
        return
    order = ctx.file_index()
    objects = ctx.schema.objects
    children = ctx.children
    for table in suspects:
        if table.split(".", 1)[0] in _SYSTEM_SCHEMAS or not rls_enforced(ctx, table):
            continue  # Supabase's own, or policies without effect (see policy-without-rls)
        group = [c for c in children.get(table, ()) if type(c.detail) is PolicyDef and c.detail.permissive]
        if len(group) < 2 or (len(group) == 2 and not _may_overlap(group[0].detail, group[1].detail)):
            continue
        for ids, pairs in _overlaps(group).items():
            born = []
            for pid in ids:
                created = birth(objects[pid])
                if created is not None:
                    born.append((applied_position(created, order), created, pid))
            if len(born) < 2:
                continue
            born.sort(key=lambda b: (b[0], b[2]))  # one DO block may create two: never compare effects
            *earlier, (_, last_created, last_id) = born
            names = ", ".join(repr(objects[i].detail.name) for i in ids)
            roles = sorted({r for r, _ in pairs})
            commands = [c for c in _COMMANDS if any(c == cmd for _, cmd in pairs)]
            who = (
                "every role"
                if roles == ["public"]
                else ("roles " if len(roles) > 1 else "role ") + ", ".join(roles)
            )
            yield Hit(
                f"{table} has {len(ids)} permissive policies for {who} on {', '.join(commands).upper()}: "
                f"{names}; each runs for every row and they are OR-ed",
                loc(last_created),
                tuple(loc(e) for _, e, _ in earlier),
                (last_id, *(pid for _, _, pid in earlier)),
            )
