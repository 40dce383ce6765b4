"""Who may execute a function, from the GRANT/REVOKE effects of the object model (pure helper for rules).

PostgreSQL grants EXECUTE on new functions to PUBLIC. ``GRANT ... ON ALL FUNCTIONS IN SCHEMA`` covers
the functions that exist when it runs (the model's fold records it in each such function's timeline);
``ALTER DEFAULT PRIVILEGES`` covers the ones created after it (by the same role, which migrations
usually are). A REVOKE from ``anon`` leaves the function callable by ``anon`` as long as PUBLIC keeps
EXECUTE. Role names are reported as written, with ``PUBLIC`` in upper case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter

from pgconsolidate.model.types import (
    Action,
    DefaultPrivilegesDef,
    Effect,
    FunctionDef,
    GrantDef,
    ObjectKind,
    ObjectState,
    SourceRef,
)
from pgconsolidate.rules.finding import Location
from pgconsolidate.rules.model_view import birth, loc
from pgconsolidate.rules.nodes import tree
from pgconsolidate.statements.model import FileStatements

API_ROLES = frozenset({"PUBLIC", "anon", "authenticated"})
#: the API roles to which a Supabase project's default privileges grant EXECUTE on every function the
#: migrations (role postgres) create in schema public: ``alter default privileges in schema public grant
#: all on functions to anon, authenticated, service_role`` (Supabase's own setup), so a REVOKE from PUBLIC
#: alone leaves the function to them
PLATFORM_EXECUTE = ("anon", "authenticated")
_EXECUTE = frozenset({"execute", "all", "all privileges"})
_GRANT_OR_REVOKE = (Action.GRANT, Action.REVOKE)
_FIRST = itemgetter(0)


@dataclass(frozen=True)
class Privileges:
    """Roles holding EXECUTE at the end, and the statements that granted or revoked it."""

    roles: frozenset[str]
    granted_to: frozenset[str]  # roles explicitly granted (or by default privileges)
    grants: tuple[Location, ...]
    revokes: tuple[Location, ...]
    revoked_from: frozenset[str]


#: Who may execute a function that no GRANT or REVOKE of EXECUTE touched
_UNTOUCHED = Privileges(frozenset({"PUBLIC"}), frozenset(), (), (), frozenset())


def _role(name: str) -> str:
    return "PUBLIC" if name.lower() == "public" else name


def default_privileges(files: Iterable[FileStatements]) -> tuple[Effect, ...]:
    """The ALTER DEFAULT PRIVILEGES statements as effects carrying a :class:`DefaultPrivilegesDef`,
    derived from the statements alone (re-parsing the few of them when trees were not kept).

    Rules read the model's ``Schema.default_privileges`` (``RuleContext.default_privileges``), which
    gives the same grants and revokes (and also records ``WITH GRANT OPTION``, ``FOR ROLE`` and ``ON
    ROUTINES`` as functions); this independent derivation remains as a cross-check of the model's.
    """
    out: list[Effect] = []
    for fs in files:
        for st in fs.statements:
            if st.kind != "AlterDefaultPrivilegesStmt":
                continue
            b = tree(st).get("AlterDefaultPrivilegesStmt", {})
            schemas: list[str] = []
            for o in b.get("options") or ():
                d = o.get("DefElem", {})
                if d.get("defname") == "schemas":
                    items = (d.get("arg") or {}).get("List", {}).get("items") or ()
                    schemas.extend(str(i.get("String", {}).get("sval", "")) for i in items)
            a = b.get("action") or {}
            a = a.get("GrantStmt", a)
            privs = tuple(
                str(p.get("AccessPriv", {}).get("priv_name", "all")).lower()
                for p in a.get("privileges") or ()
            ) or ("all",)
            grantees = tuple(
                "public"
                if g.get("RoleSpec", {}).get("roletype") == "ROLESPEC_PUBLIC"
                else str(g.get("RoleSpec", {}).get("rolename", ""))
                for g in a.get("grantees") or ()
            )
            objtype = str(a.get("objtype", "")).removeprefix("OBJECT_").lower()
            grant = bool(a.get("is_grant"))
            detail = DefaultPrivilegesDef(objtype, tuple(schemas), privs, grantees, revoke=not grant)
            ref = SourceRef(st.file, st.line, st.column, st.index)
            out.append(
                Effect(Action.GRANT if grant else Action.REVOKE, ObjectKind.OTHER, "default", ref, detail)
            )
    return tuple(out)


def _default_applies(d: DefaultPrivilegesDef, schema: str) -> bool:
    return d.object_type in ("function", "procedure") and (not d.schemas or schema in d.schemas)


def function_execute(
    fn: ObjectState, defaults: Iterable[Effect], order: Mapping[str, int] | None = None
) -> Privileges:
    """Who can EXECUTE ``fn`` after every GRANT/REVOKE in the files (PUBLIC by default); ``defaults`` are
    the ALTER DEFAULT PRIVILEGES effects (``Schema.default_privileges``). ``REVOKE GRANT OPTION FOR``
    takes away only the right to pass EXECUTE on, so it does not count as a revoke."""
    get = (order or {}).get
    created = birth(fn)
    if created is not None:
        ref = created.ref
        born = (get(ref.file, 0), ref.line, ref.statement_index)
    else:
        born = (-1, 0, 0)
    entries: list[tuple[tuple[int, int, int], bool, tuple[str, ...], Effect]] = []
    for e in fn.events:
        if e.action not in _GRANT_OR_REVOKE:
            continue
        g = e.detail
        if (
            isinstance(g, GrantDef)
            and not _EXECUTE.isdisjoint(g.privileges)
            and not (g.revoke and g.grant_option)  # REVOKE GRANT OPTION FOR: the privilege stays
        ):
            ref = e.ref
            at = (get(ref.file, 0), ref.line, ref.statement_index)
            if at >= born:
                entries.append((at, not g.revoke, g.grantees, e))
    fn_schema = ""
    for e in defaults:
        d = e.detail
        # default privileges apply to functions created after the statement
        if not isinstance(d, DefaultPrivilegesDef):
            continue
        if not fn_schema:
            fn_schema = fn.detail.schema if isinstance(fn.detail, FunctionDef) else fn.id.split(".", 1)[0]
        if (
            _default_applies(d, fn_schema)
            and not _EXECUTE.isdisjoint(d.privileges)
            and not (d.revoke and d.grant_option)
        ):
            ref = e.ref
            at = (get(ref.file, 0), ref.line, ref.statement_index)
            if at < born:
                entries.append((at, not d.revoke, d.grantees, e))
    if not entries:  # no GRANT or REVOKE of EXECUTE: PUBLIC keeps it, as created
        return _UNTOUCHED
    if len(entries) > 1:
        entries.sort(key=_FIRST)
    roles = {"PUBLIC"}
    granted: set[str] = set()
    grants: list[Location] = []
    revokes: list[Location] = []
    revoked_from: set[str] = set()
    for _key, is_grant, grantees, e in entries:
        who = {"PUBLIC" if r.lower() == "public" else r for r in grantees}  # _role of each, inlined
        if is_grant:
            roles |= who
            granted |= who
            grants.append(loc(e))
        else:
            roles -= who
            revoked_from |= who
            revokes.append(loc(e))
    return Privileges(
        frozenset(roles), frozenset(granted), tuple(grants), tuple(revokes), frozenset(revoked_from)
    )


def platform_held(privs: Privileges) -> tuple[str, ...]:
    """The roles of :data:`PLATFORM_EXECUTE` that, in a Supabase project's public schema, hold EXECUTE on
    a function only by the platform's default privileges (no statement of the files granted it to them or
    revoked it from them; those applied before every migration), or () when ``anon`` is not among them:
    a REVOKE from anon (and PUBLIC) leaves the function to signed-in users, a deliberate choice."""
    touched = privs.revoked_from | privs.granted_to
    if "anon" in touched:
        return ()
    return tuple(r for r in PLATFORM_EXECUTE if r not in touched)
