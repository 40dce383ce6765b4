"""Rule ``duplicate-create``: the same object is created again while it still exists."""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter

from pgconsolidate.model.types import Action, ColumnDef, Effect, IndexDef, ObjectKind
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import DEFINED_KINDS, loc
from pgconsolidate.rules.registry import Hit, RuleContext, rule

K = ObjectKind
#: Kinds whose second CREATE is reported (schemas too).
_KINDS = DEFINED_KINDS | {K.SCHEMA}
_ACTION = attrgetter("action")
_CREATE = Action.CREATE
_CREATE_OR_REPLACE = Action.CREATE_OR_REPLACE
_CREATES = (Action.CREATE, Action.CREATE_OR_REPLACE)
_RENAME = Action.RENAME
_DROP = Action.DROP
_COLUMN = K.COLUMN
_WORDS = {K.MATERIALIZED_VIEW: "materialized view", K.ENUM: "type", K.DOMAIN: "type"}


def declared_columns(ctx: RuleContext, tables: set[str]) -> dict[tuple[str, int, str], dict[str, str]]:
    """The columns each CREATE TABLE of ``tables`` declares: (file, statement index, table) → name → type."""
    out: dict[tuple[str, int, str], dict[str, str]] = {}
    for fe in ctx.model.effects:
        for e in fe.effects:
            d = e.detail
            if e.kind == _COLUMN and e.action == _CREATE and isinstance(d, ColumnDef) and d.table in tables:
                out.setdefault((e.ref.file, e.ref.statement_index, d.table), {})[d.name] = d.type.display
    return out


@rule(
    id="duplicate-create",
    severity=Severity.ERROR,
    help="Keep one CREATE per object; turn later ones into the ALTERs they mean (ADD COLUMN IF NOT EXISTS, "
    "ALTER COLUMN TYPE) or delete them; `pgconsolidate plan` proposes the merge.",
)
def duplicate_create(ctx: RuleContext) -> Iterator[Hit]:
    """The same object (table, index, view, type, trigger, policy, function) is created again while it
    still exists.

    Without IF NOT EXISTS the second CREATE fails (``42P07``/``42710``) and the migration stops: on
    production it was often marked applied without running. With IF NOT EXISTS it is silently skipped,
    so every column or option that only the second definition has never exists. Either way the
    directory does not say what the object really is. The finding is at the later CREATE and names the
    earlier one.
    """
    found = []
    by_kind = ctx.by_kind
    for group in _KINDS:  # in any order: ``found`` is sorted below
        for state in by_kind.get(group, ()):
            events = state.events
            if len(events) < 2:
                continue  # created once at most
            # a plain CREATE after another create (or a rename into this name) is needed: counted in C
            actions = list(map(_ACTION, events))
            plain = actions.count(_CREATE)
            if not plain or plain + actions.count(_CREATE_OR_REPLACE) + actions.count(_RENAME) < 2:
                continue
            since: Effect | None = None  # the event the live object dates from (located on use)
            first = None
            for e in events:
                action = e.action
                if action == _DROP or (action == _RENAME and e.new_id != state.id):
                    since = None
                    continue
                if action == _RENAME:
                    since = e
                    continue
                if action not in _CREATES:
                    continue
                if isinstance(e.detail, IndexDef) and e.detail.constraint:
                    continue  # a constraint's index: reported through its table
                first = first or e
                if since is None:
                    since = e
                elif action == _CREATE:
                    found.append((state, e, loc(since), first))
    tables = {state.id for state, *_ in found if state.kind == K.TABLE}
    columns = declared_columns(ctx, tables) if tables else {}
    for state, e, alive, first in sorted(found, key=lambda f: (f[0].id, f[1].ref)):
        kind = _WORDS.get(state.kind, state.kind.value)
        guarded = e.if_not_exists
        extra = ""
        if state.kind == K.TABLE:
            before = columns.get((first.ref.file, first.ref.statement_index, state.id), {})
            now = columns.get((e.ref.file, e.ref.statement_index, state.id), {})
            missing = [c for c in now if c not in before]
            changed = [c for c in now if c in before and before[c] != now[c]]
            if missing:
                extra += f"; columns only this definition has: {', '.join(missing)}"
            if changed:
                extra += "; columns with another type: " + ", ".join(
                    f"{c} {before[c]} → {now[c]}" for c in changed
                )
        if guarded and state.kind in (K.EXTENSION, K.SCHEMA):
            continue
        if e.conditional:  # in a DO block: usually behind its own existence check
            outcome = "inside a DO block, it runs only if the block's guard lets it: check that guard"
            severity = Severity.INFO
        elif guarded:
            outcome = "IF NOT EXISTS silently skips it"
            severity = Severity.WARNING if extra else Severity.INFO
        else:
            outcome = "this CREATE fails because it already exists"
            severity = Severity.ERROR
        yield Hit(
            f"{kind} {state.id} is created again (first at {alive}): {outcome}{extra}",
            loc(e),
            (alive,),
            (state.id,),
            severity=severity,
        )
