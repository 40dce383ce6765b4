"""Objects that still use a merge's source table, so dropping it would fail or break them (pure).

PostgreSQL records no dependency from a function body to the tables it reads or writes: ``DROP TABLE``
succeeds, and the function fails the next time it runs — a signup trigger on ``auth.users`` that inserts
into the dropped table breaks every signup. Views, materialized views and the policies of OTHER tables
that read the source (``USING (EXISTS (SELECT 1 FROM source ...))``) are recorded dependencies: ``DROP
TABLE`` refuses to run (and ``CASCADE`` would drop them silently). The model reads routine bodies
(``FunctionDef.uses``) and the relations a view or policy reads (``Effect.uses``), so the plan keeps such a
source (``drop_source = false``) and says what to rewrite first, and ``plan --check`` refuses
``drop_source = true`` while they still use it. Foreign keys are not listed: the fix repoints them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from pgconsolidate.model.types import ObjectKind, ObjectState, Schema
from pgconsolidate.plan.model import Merge, Plan
from pgconsolidate.plan.toml_read import PlanProblem, line_of

_ROUTINES = (ObjectKind.FUNCTION, ObjectKind.PROCEDURE)
# objects whose definition reads a relation and that PostgreSQL records as depending on it
_DEPENDENTS = (ObjectKind.VIEW, ObjectKind.MATERIALIZED_VIEW, ObjectKind.POLICY)


def _used(state: ObjectState) -> tuple[str, ...]:
    """What ``state`` reads: a routine's body references, else what its last definition uses."""
    if state.kind in _ROUTINES:
        return tuple(getattr(state.detail, "uses", ()))
    created = state.created
    return created.uses if created is not None else ()


def routines_using(schema: Schema, tables: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """For each of ``tables`` used by an object that exists at the end of the files (a routine's body, a
    view, a materialized view, or a policy of another table): those objects, sorted."""
    wanted = set(tables)
    out: dict[str, list[str]] = {}
    if not wanted:
        return {}
    for oid, state in schema.objects.items():
        if state.kind not in _ROUTINES + _DEPENDENTS or not state.exists or state.external:
            continue
        for used in _used(state):
            # a policy of the source itself goes with it
            if used in wanted and used != oid and used != state.parent:
                out.setdefault(used, []).append(oid)
    return {t: tuple(sorted(set(fs))) for t, fs in out.items()}


def _why(m: Merge, users: tuple[str, ...]) -> str:
    return (
        f"{m.source} is still used by {', '.join(users)}: dropping it would fail (views and policies "
        "depend on it) or break them at run time (PostgreSQL does not track function bodies); rewrite "
        f"them to use {m.target}, then set drop_source = true"
    )


def keep_used_sources(plan: Plan, users: Mapping[str, tuple[str, ...]]) -> Plan:
    """``plan`` with ``drop_source = false`` (and the reason) for every merge whose source is still used."""

    def kept(m: Merge) -> Merge:
        reason = f"{m.reason} drop_source = false: {_why(m, users[m.source])}.".strip()
        return replace(m, drop_source=False, reason=reason)

    merges = tuple(kept(m) if m.drop_source and users.get(m.source) else m for m in plan.merges)
    return replace(plan, merges=merges)


def drop_source_problems(plan: Plan, text: str, users: Mapping[str, tuple[str, ...]]) -> list[PlanProblem]:
    """A problem for every merge that drops a source still used by a routine (at its ``source`` line)."""
    return [
        PlanProblem(line_of(text, f'"{m.source}"'), f"drop_source = true: {_why(m, users[m.source])}")
        for m in plan.merges
        if m.drop_source and users.get(m.source)
    ]
