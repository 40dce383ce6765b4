"""Rule ``table-recreated``: a table made by an earlier file is dropped and created again, its rows not
carried over."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pgconsolidate.model.types import Action, ColumnDef, Effect, ObjectKind, ObjectState, TableDef
from pgconsolidate.rules.finding import Severity
from pgconsolidate.rules.model_view import loc
from pgconsolidate.rules.registry import Hit, RuleContext, rule

K = ObjectKind
_DROP = Action.DROP
_CREATE = Action.CREATE
_INSERT = Action.INSERT
_TABLE = K.TABLE
_COLUMN = K.COLUMN
#: A table under another name counts as the dropped one when it has at least this many of the dropped
#: table's columns (same name and type) and more than half of them.
MIN_SHARED = 3

Pos = tuple[int, int]  # (file's place in the applied order, statement index)


@dataclass(frozen=True)
class Recreated:
    """One drop of a table whose rows nothing carries over (pure data, shared with ``plan``)."""

    table: str
    dropped: Effect
    created: Effect  # the CREATE TABLE that stands in for it (same name, or ``successor``)
    successor: str | None  # another table taking its place, None when re-created under the same name
    shared: tuple[str, ...]  # the columns both have (name and type)


def _pos(order: dict[str, int], e: Effect) -> Pos:
    return (order.get(e.ref.file, -1), e.ref.statement_index)


def _columns(effects: list[Effect], table: str, until: Pos, order: dict[str, int]) -> dict[str, str]:
    """The columns ``table`` has just before ``until``: name → type (created, minus dropped)."""
    cols: dict[str, str] = {}
    prefix = table + "."
    for e in effects:
        if e.kind is not _COLUMN or _pos(order, e) >= until:
            continue
        d = e.detail
        if e.action is _CREATE and isinstance(d, ColumnDef) and d.table == table:
            cols[d.name] = d.type.display
        elif e.action is _DROP and e.id.startswith(prefix):
            cols.pop(e.id[len(prefix) :], None)
        elif e.kind is _TABLE and e.action is _DROP and e.id == table:
            cols.clear()
    return cols


def _created_columns(effects: tuple[Effect, ...], create: Effect) -> dict[str, str]:
    """The columns a CREATE TABLE statement declares: name → type."""
    out: dict[str, str] = {}
    for e in effects:
        d = e.detail
        if (
            e.ref.statement_index == create.ref.statement_index
            and e.kind is _COLUMN
            and e.action is _CREATE
            and isinstance(d, ColumnDef)
            and d.table == create.id
        ):
            out[d.name] = d.type.display
    return out


def find_recreated(ctx: RuleContext) -> list[Recreated]:
    """Every drop of a table (made by an earlier file) followed by a CREATE of the same name, or of a
    new table with most of its columns, where no statement copies its rows (``INSERT … SELECT`` or
    ``CREATE TABLE … AS`` reading it before the drop, into the new table or a table copied back)."""
    tables = ctx.by_kind.get(_TABLE, ())
    dropped: list[tuple[ObjectState, Effect, Effect]] = []  # (state, the drop, the create it undoes)
    for state in tables:
        events = state.events
        if len(events) < 2:
            continue
        last_create: Effect | None = None
        for e in events:
            if e.action is _CREATE or e.action is Action.CREATE_OR_REPLACE:
                last_create = e
            elif e.action is _DROP:
                if (
                    last_create is not None
                    and not e.conditional
                    and e.id == state.id
                    and last_create.ref.file != e.ref.file
                ):
                    dropped.append((state, e, last_create))
                last_create = None
            elif e.action is Action.RENAME:
                last_create = None if e.new_id != state.id else e
    if not dropped:
        return []
    order = {fe.file: i for i, fe in enumerate(ctx.model.effects)}
    files = [fe.file for fe in ctx.model.effects]
    creates: list[tuple[Pos, Effect]] = sorted(
        ((_pos(order, e), e) for s in tables for e in s.events if e.action is _CREATE and not e.conditional),
        key=lambda pe: pe[0],
    )
    found: list[Recreated] = []
    for state, drop, made in dropped:
        at, since = _pos(order, drop), _pos(order, made)
        window = [e for f in files[since[0] : at[0] + 1] for e in ctx.effects_of(f)]
        copies = {
            e.id
            for e in window
            if e.kind is _TABLE
            and e.id != state.id
            and since < _pos(order, e) < at
            and state.id in e.uses
            and (e.action is _INSERT or e.action is _CREATE)
        }
        later = [pe for pe in creates if pe[0] > at]
        same = next((e for p, e in later if e.id == state.id), None)
        if same is not None:
            after = [e for f in files[at[0] :] for e in ctx.effects_of(f)]
            back = any(
                e.action is _INSERT and e.id == state.id and copies.intersection(e.uses)
                for e in after
                if _pos(order, e) > _pos(order, same)
            )
            if not back:
                before = _columns(window, state.id, at, order)
                now = _created_columns(ctx.effects_of(same.ref.file), same)
                shared = tuple(c for c in now if before.get(c) == now[c])
                found.append(Recreated(state.id, drop, same, None, shared))
            continue
        before = _columns(window, state.id, at, order)
        if len(before) < MIN_SHARED:
            continue
        best: tuple[int, Effect, tuple[str, ...]] | None = None
        for p, e in creates:
            if e.id == state.id or e.id in copies or p[0] < at[0] or not isinstance(e.detail, TableDef):
                continue
            if e.ref.file == drop.ref.file or p > at:
                now = _created_columns(ctx.effects_of(e.ref.file), e)
                shared = tuple(c for c in now if before.get(c) == now[c])
                enough = len(shared) >= MIN_SHARED and 2 * len(shared) > len(before)
                if enough and (best is None or len(shared) > best[0]):
                    best = (len(shared), e, shared)
        if best is not None:
            found.append(Recreated(state.id, drop, best[1], best[1].id, best[2]))
    return found


@rule(
    id="table-recreated",
    severity=Severity.WARNING,
    help="Keep the table and ALTER it (ADD / DROP / ALTER COLUMN), or RENAME it to its new name; if the rows "
    "must move, copy them (INSERT INTO new SELECT ... FROM old) before the DROP. `pgconsolidate consolidate` "
    "keeps the table a database has and says in REPORT.md what happens to its rows.",
)
def table_recreated(ctx: RuleContext) -> Iterator[Hit]:
    """A table made by an earlier file is dropped and created again (same name, or a new name with most
    of the same columns), and nothing copies its rows over.

    On a fresh database the chain builds the right table, so a replay shows nothing wrong. But wherever
    the later file runs on a database that has rows in the table — production applying pending files,
    or a chain replayed on a live copy — ``DROP TABLE`` deletes every row, and the new table starts
    empty. A table re-created under another name with most of the same columns is the same loss under a
    rename that was never written as one. The finding is at the DROP and names the CREATE that replaces
    the table; a copy (``INSERT INTO new SELECT … FROM old`` or ``CREATE TABLE new AS SELECT … FROM
    old`` before the DROP, or a copy that is inserted back after the re-create) silences it.
    """
    for r in sorted(find_recreated(ctx), key=lambda r: (r.dropped.ref.file, r.dropped.ref.line, r.table)):
        where = loc(r.created)
        if r.successor is None:
            message = (
                f"{r.table} is dropped and created again at {where}: every row it holds is deleted "
                "wherever this file runs on a database with data, and nothing copies them into the new table"
            )
            objects: tuple[str, ...] = (r.table,)
        else:
            message = (
                f"{r.table} is dropped and {r.successor}, created at {where}, has {len(r.shared)} of its "
                f"columns ({', '.join(r.shared)}): the rows are deleted, not moved, and nothing copies "
                f"them into {r.successor}"
            )
            objects = (r.table, r.successor)
        yield Hit(message, loc(r.dropped), (where,), objects)
