"""Objects the migration files create that the live database does not have (pure).

A migration never applied to production, or an object dropped there by hand: a clean set made from the
live database (``consolidate --database-url``) describes production, so it would lack the object without
anyone deciding it. The plan lists each one (``[[files_only]]``, :class:`~pgconsolidate.plan.model.FilesOnly`)
with what happens to it (``leave-out``, the default, or ``create``); ``plan``, ``plan --check`` and
``consolidate`` name every such object, listed or not. This is the mirror of ``live_only`` (objects only
production has, which the clean set carries).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pgconsolidate.catalog.model import Snapshot
from pgconsolidate.model.types import Schema
from pgconsolidate.plan.model import FilesOnly, Plan
from pgconsolidate.plan.toml_read import PlanProblem, line_of

#: the catalog collections looked at, in the order objects are listed
COLLECTIONS = (
    "tables",
    "views",
    "sequences",
    "enums",
    "domains",
    "composites",
    "functions",
    "triggers",
    "policies",
    "indexes",
    "columns",
    "constraints",
)

#: the kinds ``action = "create"`` can create (whole objects with their parts, grants and comments);
#: a column or constraint added to a table production has is a migration to write and apply
CREATABLE = frozenset(
    {
        "table",
        "view",
        "sequence",
        "enum",
        "domain",
        "composite type",
        "function",
        "trigger",
        "policy",
        "index",
    }
)


def files_only_objects(
    chain: Snapshot, live: Snapshot, dropped: Iterable[str] = (), model: Schema | None = None
) -> list[FilesOnly]:
    """Objects of ``chain`` (a replay of the files) that ``live`` lacks, minus ``dropped`` (what the plan
    removes) and the parts of a table listed itself (its columns, constraints, indexes, triggers and
    policies; a sequence it owns). ``model``: the files' object model, for the file that creates each."""
    gone = set(dropped)
    out: list[FilesOnly] = []
    live_tables = {t.identity for t in live.tables} | {v.identity for v in live.views}
    # relations with parts: a view's columns come with it like a table's
    absent_tables = {t.identity for t in (*chain.tables, *chain.views) if t.identity not in live_tables}
    constraint_names = {c.identity for c in chain.constraints}
    for coll in COLLECTIONS:
        have = {o.identity for o in live.objects(coll)}
        for o in chain.objects(coll):
            if o.identity in have or o.identity in gone:
                continue
            parent = getattr(o, "table", None)
            if parent is not None and (parent in absent_tables or parent in gone):
                continue  # comes with its table
            owned = getattr(o, "owned_by", None)
            if isinstance(owned, str) and owned.rsplit(".", 1)[0] in absent_tables | gone:
                continue  # a serial's sequence comes with its table
            if coll == "indexes" and isinstance(parent, str):
                schema = o.identity.split(".", 1)[0]
                if f"{parent}.{o.identity[len(schema) + 1 :]}" in constraint_names:
                    continue  # the index of a constraint: listed as the constraint
            out.append(FilesOnly(o.identity, o.kind, reason=_reason(o.identity, model)))
    return out


def _reason(identity: str, model: Schema | None) -> str:
    state = model.get(identity) if model is not None else None
    created = state.created if state is not None else None
    where = (
        f"created by {created.ref.file}:{created.ref.line}" if created is not None else "made by the files"
    )
    return f"{where}; a fresh replay of the files has it, the live database does not"


def files_only_problems(plan: Plan, text: str, chain: Snapshot, live: Snapshot) -> tuple[PlanProblem, ...]:
    """Entries naming an object the files do not create (a typo, or the files changed), one the live
    database now has (applied since the plan was written), or ``create`` for a kind it cannot create."""
    problems: list[PlanProblem] = []
    made = {o.identity for coll in COLLECTIONS for o in chain.objects(coll)}
    have = {o.identity for coll in COLLECTIONS for o in live.objects(coll)}
    for e in plan.files_only:
        line = line_of(text, f'object = "{e.object}"')
        if e.object not in made:
            problems.append(
                PlanProblem(
                    line,
                    f"files_only: {e.object} is not created by the files (a typo, or the files changed): "
                    "remove the entry, or run `pgconsolidate plan --database-url` again",
                )
            )
        elif e.object in have:
            problems.append(
                PlanProblem(
                    line,
                    f"files_only: {e.object} is in the live database now (applied since the plan was "
                    "written): remove the entry, or run `pgconsolidate plan --database-url` again",
                )
            )
        elif e.action == "create" and e.kind not in CREATABLE:
            problems.append(
                PlanProblem(
                    line,
                    f'files_only: {e.object}: action = "create" cannot create a {e.kind} of a table the '
                    "live database has (write a migration that adds it and apply it first), or set "
                    'action = "leave-out"',
                )
            )
    problems += _needs_left_out(plan, text, chain)
    return tuple(problems)


_TRIGGER_FUNCTION = re.compile(r"\bEXECUTE (?:FUNCTION|PROCEDURE) (?P<name>.+?)\(")


def _needs_left_out(plan: Plan, text: str, chain: Snapshot) -> list[PlanProblem]:
    """A trigger the plan creates whose function the plan leaves out: the fix would fail on the live
    database (``function ... does not exist``), so the plan is refused before that."""
    left_out = {e.object for e in plan.files_only if e.action != "create" and e.kind == "function"}
    if not left_out:
        return []
    triggers = {t.identity: t.definition for t in chain.triggers}
    out: list[PlanProblem] = []
    for e in plan.files_only:
        m = _TRIGGER_FUNCTION.search(triggers.get(e.object, "")) if e.action == "create" else None
        if m is None:
            continue
        name = m["name"].replace('"', "")
        name = name if "." in name else f"public.{name}"
        for fn in sorted(left_out):
            if fn.startswith(name + "("):
                out.append(
                    PlanProblem(
                        line_of(text, f'object = "{e.object}"'),
                        f'files_only: trigger {e.object} is created (action = "create") but calls {fn}, '
                        f'which the plan leaves out: set {fn}\'s action = "create" too, or leave the trigger '
                        "out",
                    )
                )
    return out


def files_only_lines(plan: Plan, found: Iterable[FilesOnly]) -> list[str]:
    """One line per object the files create and the live database lacks (``found``), saying what the
    consolidation does with it: created by the fix (``create``), or left out of the clean set (``leave-out``,
    or not in the plan at all, which is treated as ``leave-out``)."""
    listed = {e.object: e for e in plan.files_only}
    out: list[str] = []
    for f in found:
        entry = listed.get(f.object)
        what = f"{f.kind} {f.object}"
        if entry is not None and entry.action == "create":
            out.append(
                f"{what}: in the files, not in the live database: the fix CREATES it there (plan: "
                'files_only action = "create"); the clean set has it'
            )
        elif entry is not None:
            out.append(
                f"{what}: in the files, not in the live database: LEFT OUT of the clean set (plan: "
                'files_only action = "leave-out"); a database built from the clean set will not have it'
            )
        else:
            out.append(
                f"{what}: in the files, not in the live database, and not in the plan's files_only: LEFT "
                "OUT of the clean set (the live database is what the clean set describes); add it to the "
                'plan (`pgconsolidate plan --database-url` lists it) to decide: "leave-out" or "create"'
            )
    return out
