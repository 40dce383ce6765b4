"""Where statements stand in the applied order, and which CREATE made a table at a given point: what the
rules about production data (``not-null-without-default``, ``destructive-change``) ask to tell a table
an earlier file made (it may hold rows in production) from one made in the same file (it cannot, unless
that file fills it first).

Pure helpers over the :class:`~pgconsolidate.rules.registry.RuleContext`; nothing is computed until a
rule has found a statement worth asking about.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from operator import attrgetter

from pgconsolidate.model.types import DEFINING_ACTIONS, Action, Effect, ObjectKind
from pgconsolidate.rules.registry import RuleContext
from pgconsolidate.statements.model import Statement

Pos = tuple[int, int]  # (the file's place in the applied order, the statement's index in its file)

_RENAME = Action.RENAME
_DROP = Action.DROP
_INSERT = Action.INSERT
_TABLE = ObjectKind.TABLE
_STATEMENT_INDEX = attrgetter("ref.statement_index")


def pos(order: Mapping[str, int], e: Effect) -> Pos:
    """The place of an effect's statement in the applied order."""
    return (order.get(e.ref.file, -1), e.ref.statement_index)


class TableBirths:
    """For each name a table had, when it got that name (created, or renamed to it) and by which CREATE,
    and when it lost it (dropped, renamed away): ``made_at(table, at)`` is the CREATE TABLE that made
    the table called ``table`` just before position ``at``, None when no table of the chain had the
    name then (never created, or dropped)."""

    def __init__(self, ctx: RuleContext) -> None:
        order = ctx.file_index()
        spans: dict[str, list[tuple[Pos, Effect | None]]] = {}
        for state in ctx.by_kind.get(ObjectKind.TABLE, ()):
            made: Effect | None = None
            name = state.id
            for e in state.events:
                action = e.action
                if action in DEFINING_ACTIONS:
                    if e.if_not_exists and made is not None:
                        continue  # skipped: the table made earlier stays
                    made, name = e, e.id
                    spans.setdefault(name, []).append((pos(order, e), e))
                elif action is _RENAME and e.new_id and e.kind is _TABLE:
                    spans.setdefault(name, []).append((pos(order, e), None))
                    name = e.new_id
                    if made is not None:
                        spans.setdefault(name, []).append((pos(order, e), made))
                elif action is _DROP and made is not None:
                    made = None  # the table, or its schema (CASCADE)
                    spans.setdefault(name, []).append((pos(order, e), None))
        for events in spans.values():
            events.sort(key=lambda pe: pe[0])
        self._spans = spans
        self._keys = {name: [p for p, _ in events] for name, events in spans.items()}

    def made_at(self, table: str, at: Pos) -> Effect | None:
        """The CREATE of the table named ``table`` just before ``at`` (None: no such table then)."""
        keys = self._keys.get(table)
        if not keys:
            return None
        i = bisect_left(keys, at)
        return self._spans[table][i - 1][1] if i else None


def births(ctx: RuleContext) -> TableBirths:
    """The :class:`TableBirths` of the context, built once for the rules that ask."""
    return ctx.memo("table-births", TableBirths, ctx)


def table_made(ctx: RuleContext, table: str, at: Pos) -> tuple[Effect | None, list[Effect]]:
    """(the CREATE TABLE that made the table named ``table`` just before ``at`` (None: no table of the
    chain had that name then), the INSERTs into it since that CREATE and before ``at``).

    Read from the timeline of the table that has the name at the end (a few events), else from
    :class:`TableBirths` (built once, for a table renamed or dropped later)."""
    order = ctx.file_index()
    state = ctx.schema.objects.get(table)
    if state is not None and state.kind is _TABLE:
        name: str | None = None
        made: Effect | None = None
        inserts: list[Effect] = []
        for e in state.events:
            ref = e.ref
            if (order.get(ref.file, -1), ref.statement_index) >= at:
                break
            action = e.action
            if action in DEFINING_ACTIONS:
                if e.if_not_exists and made is not None:
                    continue
                name, made, inserts = e.id, e, []
            elif action is _RENAME and e.kind is _TABLE:
                name = e.new_id
            elif action is _DROP:
                name, made = None, None
            elif action is _INSERT and made is not None:
                inserts.append(e)
        if name == table:
            return made, inserts
    made = births(ctx).made_at(table, at)
    if made is None:
        return None, []
    since = pos(order, made)
    return made, [
        e
        for e in ctx.effects_of(made.ref.file)
        if e.action is _INSERT and e.kind is _TABLE and e.id == table and since < pos(order, e) < at
    ]


def statement_effects(ctx: RuleContext, st: Statement) -> list[Effect]:
    """The model's effects of statement ``st``, in order (found by bisection in its file's effects)."""
    effects = ctx.effects_of(st.file)
    k = st.index
    if effects and effects[-1].ref.statement_index == k:  # often the file's last statement
        i = len(effects) - 1
        while i > 0 and effects[i - 1].ref.statement_index == k:
            i -= 1
    else:
        i = bisect_left(effects, k, key=_STATEMENT_INDEX)
    out: list[Effect] = []
    for e in effects[i:]:
        if e.ref.statement_index != k:
            break
        out.append(e)
    return out


def statement_of(ctx: RuleContext, e: Effect) -> Statement | None:
    """The statement an effect comes from."""
    fi = ctx.file_index().get(e.ref.file)
    if fi is None or fi >= len(ctx.files) or ctx.files[fi].file != e.ref.file:
        return None
    statements = ctx.files[fi].statements
    k = e.ref.statement_index
    if 0 <= k < len(statements) and statements[k].index == k:
        return statements[k]
    return next((st for st in statements if st.index == k), None)
