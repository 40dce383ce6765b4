"""Who may execute a function, from the GRANT/REVOKE statements (pure helper for rules).

PostgreSQL grants EXECUTE on new functions to PUBLIC. ``GRANT ... ON ALL FUNCTIONS IN SCHEMA`` covers
the functions that exist when it runs; ``ALTER DEFAULT PRIVILEGES`` covers the ones created after it
(by the same role, which migrations usually are). A REVOKE from ``anon`` leaves the function callable
by ``anon`` as long as PUBLIC keeps EXECUTE.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pgconsolidate.rules.finding import Location
from pgconsolidate.rules.state import FunctionDef, State, loc

API_ROLES = frozenset({"PUBLIC", "anon", "authenticated"})


@dataclass(frozen=True)
class Privileges:
    """Roles holding EXECUTE at the end, and the statements that granted or revoked it."""

    roles: frozenset[str]
    granted_to: frozenset[str]  # roles explicitly granted (or by default privileges)
    grants: tuple[Location, ...]
    revokes: tuple[Location, ...]
    revoked_from: frozenset[str]


def _lifetime_start(state: State, fn: FunctionDef) -> Location:
    start = fn.location
    for ev in state.events(fn.id):
        if ev.action == "drop":
            start = Location("", 0)
        elif ev.action == "create" and not start.file:
            start = ev.location
    return start if start.file else fn.location


def function_execute(state: State, fn: FunctionDef, order: Mapping[str, int] | None = None) -> Privileges:
    """Who can EXECUTE ``fn`` after every GRANT/REVOKE in the files (PUBLIC by default)."""
    order = order or {}

    def key(location: Location) -> tuple[int, int]:
        return (order.get(location.file, 0), location.line)

    born = key(_lifetime_start(state, fn))
    roles = {"PUBLIC"}
    granted: set[str] = set()
    grants: list[Location] = []
    revokes: list[Location] = []
    revoked_from: set[str] = set()
    schema = fn.name.split(".", 1)[0]
    keys = (fn.id, fn.name, f"schema:{schema}", f"default:{schema}", "default:*")
    entries = sorted({i for k in keys for i in state.function_grant_index.get(k, ())})
    for i in entries:
        st, action, privs, who = state.grants[i]
        if not ({"EXECUTE", "ALL"} & set(privs)):
            continue
        here = key(loc(st))
        if action.startswith("default-"):
            # default privileges apply to functions created after the statement
            if here >= born:
                continue
        elif here < born:
            continue
        if action.endswith("grant"):
            roles |= set(who)
            granted |= set(who)
            grants.append(loc(st))
        else:
            roles -= set(who)
            revoked_from |= set(who)
            revokes.append(loc(st))
    return Privileges(
        frozenset(roles), frozenset(granted), tuple(grants), tuple(revokes), frozenset(revoked_from)
    )
