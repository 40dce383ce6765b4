"""Rule ``definer-executable-by-public``: a SECURITY DEFINER function the API roles can still execute."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pgconsolidate.model.types import ObjectKind, PolicyDef
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import policy_states
from pgconsolidate.rules.privileges import API_ROLES, PLATFORM_EXECUTE, Privileges, platform_held
from pgconsolidate.rules.registry import Hit, RuleContext, new_hit, rule
from pgconsolidate.rules.rls_disabled import exposed_schemas
from pgconsolidate.rules.security_definer import definers

#: what a function returning these is run by (a trigger, an event trigger): never called through the API
_NOT_RPC = frozenset({"trigger", "event_trigger"})
#: the API roles that execute a function through PUBLIC
_THROUGH_PUBLIC = API_ROLES - {"PUBLIC"}
_THROUGH_DEFAULT = "through PUBLIC's default EXECUTE, never revoked, anyone with the anon key can call it"
#: why anon still executes a definer of public that a Supabase project revoked from PUBLIC only
_PLATFORM_WHY = "Supabase's default privileges grant EXECUTE on new functions in public to " + ", ".join(
    PLATFORM_EXECUTE
)


@rule(
    id="definer-executable-by-public",
    severity=Severity.WARNING,
    help="`REVOKE EXECUTE ON FUNCTION f(args) FROM PUBLIC, anon, authenticated;` then GRANT EXECUTE only to "
    "the roles that need it (revoking from anon alone does nothing while PUBLIC keeps EXECUTE, and from "
    "PUBLIC alone leaves it to anon and authenticated, to which Supabase's default privileges grant "
    "EXECUTE on every new function of public); or move the function to a schema the API does not expose. "
    "A definer that RLS policies call needs EXECUTE for the roles they apply to (the finding says so).",
)
def definer_executable_by_public(ctx: RuleContext) -> Iterator[Hit]:
    """A SECURITY DEFINER function the API roles can execute: EXECUTE explicitly granted to them, not fully
    revoked, or never revoked from PUBLIC in a schema the API exposes.

    PostgreSQL grants EXECUTE on every new function to PUBLIC. ``REVOKE EXECUTE ... FROM anon,
    authenticated`` therefore leaves the function callable by ``anon`` through PUBLIC, and ``GRANT ALL
    ON ALL FUNCTIONS IN SCHEMA public TO anon`` makes every definer (maintenance jobs included) an RPC
    anyone can call with the anon key, running with the owner's rights. Reported when a GRANT to
    PUBLIC/anon/authenticated covers the definer, or a REVOKE left it executable through PUBLIC, or when
    nothing ever revoked PUBLIC's default EXECUTE from a definer of a schema the API exposes (the
    ``exposed-schemas`` setting; ``public`` in a Supabase or PostgREST directory) that the API can call
    (Supabase's advisor reports these too, lints 0028/0029): trigger and event-trigger functions, which no one
    calls directly, are left out of that last case. In a Supabase project (its migrations in a ``supabase``
    directory, or ``supabase/config.toml`` above them) the platform's default privileges grant EXECUTE on
    every function the migrations create in ``public`` to anon, authenticated (and service_role): a definer of
    an exposed ``public`` revoked from PUBLIC (and perhaps authenticated) but never from anon is reported too,
    and the finding of one granted to authenticated only says that anon holds it as well (trigger functions
    left out); a REVOKE from anon clears it. ``consolidate`` revokes EXECUTE on such a definer from PUBLIC and
    anon. A definer that row level security policies for a role holding EXECUTE call (an RLS helper) needs
    that role's EXECUTE: the finding says so, since revoking it makes every query of those tables fail
    (``consolidate`` then leaves anon's EXECUTE when a policy for anon calls it).
    """
    # what is said (and from which statement) depends on the roles only: told once per combination (on
    # large directories thousands of definers share a few)
    told: dict[tuple[frozenset[str], frozenset[str], frozenset[str]], tuple[int, str] | None] = {}
    policies: _Policies | None = None
    exposed: frozenset[str] | None = None
    platform: bool | None = None  # a Supabase project exposing public (which has the platform's defaults)
    # the roles holding EXECUTE by the platform's defaults only, and what is then said, per combination
    told_platform: dict[
        tuple[frozenset[str], frozenset[str], frozenset[str]],
        tuple[tuple[str, ...], frozenset[str], tuple[int, str] | None],
    ] = {}
    for fn, detail, definer_at, privs in definers(ctx):
        key = (privs.roles, privs.revoked_from, privs.granted_to)
        said = told.get(key, _UNTOLD)
        if said is _UNTOLD:
            said = told[key] = _why(privs)
        left: tuple[str, ...] = ()
        left_set: frozenset[str] = frozenset()
        if "PUBLIC" not in privs.roles and detail.schema == "public" and detail.returns not in _NOT_RPC:
            # revoked from PUBLIC: anon may still hold EXECUTE by the platform's default privileges
            if platform is None:
                if exposed is None:
                    exposed = frozenset(exposed_schemas(ctx))
                platform = ctx.mdir.tool == "supabase" and ctx.mdir.tool_named and "public" in exposed
            if platform:
                told_left = told_platform.get(key)
                if told_left is None:
                    left = platform_held(privs)
                    told_left = told_platform[key] = (
                        left,
                        frozenset(left),
                        _platform_said(privs, left, said) if left else None,
                    )
                left, left_set, platform_said = told_left
                if platform_said is not None:
                    said = platform_said
        if said is None:
            continue
        how, why = said
        if how == _DEFAULT:
            if exposed is None:
                exposed = frozenset(exposed_schemas(ctx))
            if detail.schema not in exposed or detail.returns in _NOT_RPC:
                continue
            why = f"{why} (an RPC of the exposed schema {detail.schema}) with its owner's rights"
        if how != _REVOKED:
            if policies is None:
                policies = _Policies(ctx)
            if how == _GRANTED:
                why += _needed_by_policies(fn.id, privs.granted_to & API_ROLES | left_set, policies)
            elif how == _PLATFORM:
                why += _needed_by_policies(fn.id, left_set, policies, "keep their EXECUTE")
            else:
                why += _needed_by_policies(fn.id, _THROUGH_PUBLIC, policies, "keep their EXECUTE")
        if how in (_REVOKED, _PLATFORM):
            where = privs.revokes[-1]
        elif how == _GRANTED:
            where = privs.grants[-1]
        else:
            where = definer_at
        yield new_hit(
            f"SECURITY DEFINER {fn.id} is executable by the API roles: {why}",
            where,
            (
                *((definer_at,) if where != definer_at else ()),
                *[g for g in privs.grants if g != where][:3],
            ),
            (fn.id,),
        )


_UNTOLD: Any = object()
#: how the API roles came to execute a definer (:func:`_why`)
_REVOKED, _GRANTED, _DEFAULT, _PLATFORM = 0, 1, 2, 3


def _and(roles: tuple[str, ...] | frozenset[str]) -> str:
    return ", ".join(sorted(roles))


def _platform_said(privs: Privileges, left: tuple[str, ...], said: tuple[int, str] | None) -> tuple[int, str]:
    """(how, why) for a definer of a Supabase project's public revoked from PUBLIC (and perhaps some API
    roles) but not from anon, which holds EXECUTE by the platform's default privileges (``left``, the
    roles holding it so): ``_PLATFORM`` when no GRANT gave it to an API role (``said`` is None), else
    ``said`` (``_GRANTED``) with why anon holds it too. Depends on the roles only (``left`` is made of
    them): told once per combination, as :func:`_why`."""
    them = "them" if len(left) > 1 else left[0]
    if said is None:
        return (
            _PLATFORM,
            f"EXECUTE was revoked from {_and(privs.revoked_from)} but not from {_and(left)}: "
            f"{_PLATFORM_WHY}, revoke it from {them} too",
        )
    how, why = said
    return (
        how,
        f"{why}; {_and(left)} {'holds' if len(left) == 1 else 'hold'} it too: {_PLATFORM_WHY}, "
        f"revoke it from {them}",
    )


class _Policies:
    """The RLS policies of the final state, indexed once by the names their USING and WITH CHECK call
    (``name(``, in lower case), each with its roles in lower case: looking a function up costs a dict
    access instead of a regex search of every policy, which on the 10,000-file corpus (10,000 definers,
    20,000 policies) took 105 s where the rule without the policies clause took 0.1 s (index and lookups:
    about 0.05 s)."""

    def __init__(self, ctx: RuleContext) -> None:
        self.all = [p for _, p in policy_states(ctx.by_kind.get(ObjectKind.POLICY, ()))]
        self.calling: dict[str, list[tuple[PolicyDef, frozenset[str]]]] = {}
        roles_of: dict[tuple[str, ...], frozenset[str]] = {}
        names_of: dict[tuple[str | None, str | None], set[str]] = {}  # many policies share their text
        findall, calling = _CALL.findall, self.calling
        for p in self.all:
            roles = roles_of.get(p.roles)
            if roles is None:
                roles = roles_of[p.roles] = frozenset(r.lower() for r in p.roles)
            text = (p.using, p.with_check)
            names = names_of.get(text)
            if names is None:
                names = names_of[text] = set(findall(f"{p.using or ''} {p.with_check or ''}".lower()))
            for name in names:
                if name in calling:
                    calling[name].append((p, roles))
                else:
                    calling[name] = [(p, roles)]

    def calling_name(self, name: str) -> list[tuple[PolicyDef, frozenset[str]]]:
        """The policies (in order) whose text calls ``name``, with their roles: a word of ``name(`` (any
        case, spaces allowed before the parenthesis), not the end of a longer word."""
        if _WORD.fullmatch(name):
            return self.calling.get(name.lower(), [])
        call = re.compile(rf"(?<![\w$]){re.escape(name)}\s*\(", re.IGNORECASE)  # a quoted name: rare
        return [
            (p, frozenset(r.lower() for r in p.roles))
            for p in self.all
            if call.search(f"{p.using or ''} {p.with_check or ''}")
        ]


#: a call in a policy's text: the whole word before ``(``
_CALL = re.compile(r"(?<![\w$])([\w$]+)\s*\(")
_WORD = re.compile(r"[\w$]+")


def _needed_by_policies(
    function: str,
    granted: frozenset[str],
    policies: _Policies,
    keep: str = "keep the grant",
) -> str:
    """What to add when row level security policies for a role granted EXECUTE call the function (an RLS
    helper such as ``is_household_member(uuid)``): that role needs EXECUTE, every query of the table fails
    with permission denied without it, so the advice to revoke it does not apply (seen on a real Supabase
    finance app, whose consolidation keeps the grant). ``keep`` says what to keep: the grant, or the
    EXECUTE the roles hold through PUBLIC."""
    callers: list[str] = []
    needing: set[str] = set()
    for policy, roles in policies.calling_name(function.split("(")[0].rsplit(".", 1)[-1]):
        applies = granted if "public" in roles else roles & granted
        if applies:
            callers.append(policy.id)
            needing |= applies
    if not callers:
        return ""
    more = f" and {len(callers) - 2} more" if len(callers) > 2 else ""
    who = ", ".join(sorted(needing)) + (" needs" if len(needing) == 1 else " need")
    return (
        f"; RLS policies call it ({', '.join(callers[:2])}{more}), so {who} EXECUTE (revoked, every query "
        f"of their tables fails with permission denied for function): {keep} and move the function "
        "to a schema the API does not expose"
    )


def _why(privs: Privileges) -> tuple[int, str] | None:
    """(how: ``_REVOKED`` when a REVOKE is to blame, ``_GRANTED`` when a GRANT, ``_DEFAULT`` when PUBLIC's
    default EXECUTE was never revoked; why the API roles can execute) for a definer's privileges, or None
    when they cannot. ``_DEFAULT`` holds only where the API exposes the function's schema (the caller
    checks)."""
    if not privs.roles & API_ROLES:
        return None
    if privs.revoked_from and "PUBLIC" in privs.roles:
        return _REVOKED, (
            f"EXECUTE was revoked from {', '.join(sorted(privs.revoked_from))} but PUBLIC still has it, "
            "so every role can still call it"
        )
    if privs.granted_to & API_ROLES:
        return _GRANTED, f"EXECUTE is granted to {', '.join(sorted(privs.granted_to & API_ROLES))}"
    if "PUBLIC" in privs.roles:  # as created: no GRANT or REVOKE of EXECUTE took it from PUBLIC
        return _DEFAULT, _THROUGH_DEFAULT
    return None
