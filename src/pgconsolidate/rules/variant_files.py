"""Rule ``variant-files``: files that define largely the same objects as an earlier file."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterator

from pgconsolidate.model.types import Action, Effect, IndexDef, ObjectKind, ObjectState
from pgconsolidate.rules._timeline import statement_of
from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.model_view import DEFINED_KINDS
from pgconsolidate.rules.registry import Hit, RuleContext, rule

K = ObjectKind
#: Kinds a file "defines".
_KINDS = DEFINED_KINDS


_CREATES = (Action.CREATE, Action.CREATE_OR_REPLACE)
_DROP = Action.DROP


#: a DO block that creates only what is missing: ``IF NOT EXISTS (...) THEN CREATE ...``, or
#: ``EXCEPTION WHEN duplicate_object`` around the CREATE
_GUARD = re.compile(
    r"\bif\s+not\s+exists\b|\bwhen\s+(?:duplicate_object|duplicate_table|others)\b", re.IGNORECASE
)


def _ensures(ctx: RuleContext, e: Effect) -> bool:
    """True for a CREATE of a DO block guarded against the object existing: it makes the object only
    where it is missing (an "ensure"), it does not redefine it."""
    if not e.conditional:
        return False
    st = statement_of(ctx, e)
    return st is not None and st.kind == "DoStmt" and _GUARD.search(st.text) is not None


def _defined_states(ctx: RuleContext) -> Iterator[ObjectState]:
    """Every object of the kinds a file defines (dropped ones too)."""
    by_kind = ctx.by_kind
    for kind in _KINDS:
        yield from by_kind.get(kind, ())


def defined_in_several_files(ctx: RuleContext) -> dict[str, set[str]]:
    """Object → the files creating or replacing it, for the objects that several files create or replace
    (the index of a PRIMARY KEY / UNIQUE constraint belongs to its table and does not count). Only an
    object with several events can be one: the others are passed over without a look at their event."""
    several: dict[str, set[str]] = {}
    for state in _defined_states(ctx):
        events = state.events
        if len(events) < 2:
            continue
        first_file: str | None = None
        for e in events:
            if e.action not in _CREATES:
                continue
            d = e.detail
            if type(d) is IndexDef and d.constraint:
                continue
            if e.conditional and _ensures(ctx, e):
                continue
            file = e.ref.file
            if first_file is None:
                first_file = file
            elif file != first_file:
                found = several.get(state.id)
                if found is None:
                    several[state.id] = {first_file, file}
                else:
                    found.add(file)
    return several


def definitions_by_file(
    ctx: RuleContext, files: Collection[str] | None = None
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(file → objects it creates or replaces, file → objects it drops), from the model's timelines (a
    routine dropped without arguments counts for each overload it resolved to); ``files``: only these
    files (default: every file)."""
    defs: dict[str, set[str]] = {}
    dropped: dict[str, set[str]] = {}
    for state in _defined_states(ctx):
        sid = state.id
        for e in state.events:
            action = e.action
            if action in _CREATES:
                into = defs
            elif action == _DROP:
                into = dropped
            else:
                continue
            if isinstance(e.detail, IndexDef) and e.detail.constraint:
                continue  # the index of a PRIMARY KEY / UNIQUE constraint belongs to its table
            if e.conditional and into is defs and _ensures(ctx, e):
                continue  # made only where missing: not a definition of the file's own
            file = e.ref.file
            if files is not None and file not in files:
                continue
            found = into.get(file)
            if found is None:
                found = into[file] = set()
            found.add(sid)
    return defs, dropped


def replacements(ctx: RuleContext, several: Collection[str]) -> dict[str, set[tuple[str, str]]]:
    """Object → the (earlier file, later file) pairs between whose definitions of it the object was
    dropped (by any file, or with its table): the later definition replaces a dropped object, it is
    not a variant of the earlier one (deleting either would break what follows). Only the objects of
    ``several`` (defined in several files) are looked at, and only those with a drop."""
    out: dict[str, set[tuple[str, str]]] = {}
    for state in _defined_states(ctx):
        if state.id not in several:
            continue
        events = state.events
        if not any(e.action == _DROP for e in events):
            continue
        before: list[str] = []  # files that defined the object before the last drop seen
        since: list[str] = []  # files that defined it since that drop
        pairs: set[tuple[str, str]] = set()
        for e in events:
            if e.action == _DROP:
                before.extend(since)
                since = []
            elif e.action in _CREATES:
                file = e.ref.file
                if file in before:  # defined again after the drop: its latest definition is this one
                    before = [b for b in before if b != file]
                pairs.update((b, file) for b in before)
                since.append(file)
        if pairs:
            out[state.id] = pairs
    return out


@rule(
    id="variant-files",
    severity=Severity.WARNING,
    help="Decide which variant is the real one, keep its definitions (in one file, or the consolidated "
    "baseline) and delete the others; check the `conflicting-redefinition` findings for what differs.",
)
def variant_files(ctx: RuleContext) -> Iterator[Hit]:
    """A file that redefines largely the same objects as an earlier file: a variant, not a change.

    Several versions of one migration (``..._ollama_ai_functions.sql``, ``..._simple.sql``,
    ``..._via_nginx.sql``) all get applied, in name order, each overwriting part of the previous one;
    the result is a mix nobody wrote. A file is a variant when at least half of the objects it creates
    or replaces (and at least two) were already defined by one earlier file; objects the file drops
    before re-creating them are deliberate changes and do not count, nor do objects dropped (by any
    file, or with their table) between the two files' definitions: the later file then replaces what
    was dropped and later migrations build on it, so neither file can be deleted. Nor does a CREATE in a
    ``DO`` block guarded against the object existing (``IF NOT EXISTS (...) THEN CREATE POLICY``,
    ``EXCEPTION WHEN duplicate_object``): it makes the object only where it is missing, an "ensure" that
    changes nothing where the earlier file ran. Options: ``min-shared`` (default 2), ``min-ratio`` (default
    0.5).
    """
    min_shared = int(ctx.option("variant-files", "min-shared", 2))
    min_ratio = float(ctx.option("variant-files", "min-ratio", 0.5))
    several = defined_in_several_files(ctx)
    if not several:
        return  # no object is defined in two files: no file can be a variant
    # the definitions of the files involved only
    defs, dropped = definitions_by_file(ctx, {f for files in several.values() for f in files})
    paths = [f.path for f in ctx.mdir.files]
    position = {p: i for i, p in enumerate(paths)}
    # file → earlier file → objects of the file (not dropped in it) that the earlier file defined: only
    # objects defined in several files count, so only they are looked at
    shared_with: dict[str, dict[str, int]] = {}
    replaced = replacements(ctx, several)
    for oid, in_files in several.items():
        files = sorted((f for f in in_files if f in position), key=position.__getitem__)
        cut = replaced.get(oid, ())
        for k, later in enumerate(files[1:], 1):
            if oid in dropped.get(later, ()):
                continue  # an object dropped and re-created in the same file is a deliberate change
            counts = shared_with.get(later)
            if counts is None:
                counts = shared_with[later] = defaultdict(int)
            for earlier in files[:k]:
                if (earlier, later) not in cut:
                    counts[earlier] += 1
    for later in paths:
        counts = shared_with.get(later)
        if not counts:
            continue
        mine = defs.get(later, set()) - dropped.get(later, set())
        if len(mine) < min_shared:
            continue
        best: tuple[int, int, str] | None = None
        for earlier, shared in counts.items():
            j = position[earlier]
            if shared >= min_shared and shared / len(mine) >= min_ratio:
                key = (shared, -j, earlier)
                if best is None or key > best:
                    best = key
        if best is None:
            continue
        shared_n, _, base = best
        common = sorted(mine & defs.get(base, set()))
        shown = ", ".join(common[:6]) + (f", +{len(common) - 6} more" if len(common) > 6 else "")
        yield Hit(
            f"{later} is a variant of {base}: {shared_n} of its {len(mine)} definitions redefine objects of "
            f"that file ({shown})",
            Location(later),
            (Location(base),),
            (base,),
        )
