"""Routines that still use a merge's source table, so dropping it would break them (pure).

PostgreSQL records no dependency from a function body to the tables it reads or writes: ``DROP TABLE``
succeeds, and the function fails the next time it runs — a signup trigger on ``auth.users`` that inserts
into the dropped table breaks every signup. The model reads routine bodies (``FunctionDef.uses``), so the
plan keeps such a source (``drop_source = false``) and says which routines to rewrite first, and
``plan --check`` refuses ``drop_source = true`` while they still use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from pgconsolidate.model.types import ObjectKind, Schema
from pgconsolidate.plan.model import Merge, Plan
from pgconsolidate.plan.toml_read import PlanProblem, line_of

_ROUTINES = (ObjectKind.FUNCTION, ObjectKind.PROCEDURE)


def routines_using(schema: Schema, tables: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """For each of ``tables`` used by a routine that exists at the end of the files: those routines."""
    wanted = set(tables)
    out: dict[str, list[str]] = {}
    if not wanted:
        return {}
    for oid, state in schema.objects.items():
        if state.kind not in _ROUTINES or not state.exists or state.external:
            continue
        for used in getattr(state.detail, "uses", ()):
            if used in wanted:
                out.setdefault(used, []).append(oid)
    return {t: tuple(sorted(fs)) for t, fs in out.items()}


def _why(m: Merge, users: tuple[str, ...]) -> str:
    return (
        f"{m.source} is still used by {', '.join(users)}: dropping it would break them at run time "
        f"(PostgreSQL does not track function bodies); rewrite them to use {m.target}, then set "
        "drop_source = true"
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
