"""Small pure helpers that read the object model (:mod:`pgconsolidate.model`) the way rules need it.

Rules look at the folded :class:`~pgconsolidate.model.types.Schema` of ``ctx.analysis`` (final state,
timelines) and at the effects of each statement. These helpers derive what the model does not hold
directly: where an object was (last) brought into existence, the statement that last changed an
attribute, a table's keys, the children of every table (indexed once), and locations as the rules'
:class:`~pgconsolidate.rules.finding.Location`. No database, no disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter

from pgconsolidate.model.types import (
    Action,
    ColumnDef,
    ConstraintDef,
    Effect,
    FunctionDef,
    IndexDef,
    ObjectKind,
    ObjectState,
    PolicyDef,
    Schema,
    TableDef,
    TypeRef,
)
from pgconsolidate.rules.finding import Location, new_location

_CREATES = (Action.CREATE, Action.CREATE_OR_REPLACE)
# the members read in the loops below, as module constants (reading ``Action.DROP`` off the enum class
# costs about 0.3 µs in Python 3.11, several times the comparison itself)
_CREATE_OR_REPLACE = Action.CREATE_OR_REPLACE
_DROP = Action.DROP
_ALTER = Action.ALTER
_ID = attrgetter("id")

#: Kinds of objects an author defines by name (columns, constraints, a constraint's index and implicit
#: sequences belong to their table).
DEFINED_KINDS = frozenset(
    {
        ObjectKind.TABLE,
        ObjectKind.INDEX,
        ObjectKind.VIEW,
        ObjectKind.MATERIALIZED_VIEW,
        ObjectKind.TYPE,
        ObjectKind.ENUM,
        ObjectKind.DOMAIN,
        ObjectKind.FUNCTION,
        ObjectKind.PROCEDURE,
        ObjectKind.TRIGGER,
        ObjectKind.POLICY,
        ObjectKind.EXTENSION,
    }
)


def loc(effect: Effect) -> Location:
    """The location of the statement an effect comes from."""
    ref = effect.ref
    return new_location(ref.file, ref.line, ref.column)


def birth(state: ObjectState) -> Effect | None:
    """The CREATE that brought the object into its current (or last) existence: the first create after
    the last drop that removed it. A plain CREATE of an object that already exists fails in PostgreSQL
    and does not count; neither does a skipped ``IF NOT EXISTS``."""
    events = state.events
    if len(events) == 1:  # most objects: created once, never touched again
        e = events[0]
        return e if e.action in _CREATES else None
    found: Effect | None = None
    alive = False
    for e in events:
        action = e.action
        if action in _CREATES:
            if not alive:
                found, alive = e, True
        elif action == _DROP:
            alive = False
    return found


def birth_location(state: ObjectState) -> Location:
    """Where the object was created (its first event when no create is recorded)."""
    e = birth(state) or (state.events[0] if state.events else None)
    return loc(e) if e is not None else Location("")


def last_event(state: ObjectState, actions: Iterable[Action]) -> Effect | None:
    """The last event of ``state`` whose action is one of ``actions``."""
    wanted = set(actions)
    for e in reversed(state.events):
        if e.action in wanted:
            return e
    return None


def event_locations(state: ObjectState, exclude: Location | None = None) -> tuple[Location, ...]:
    """The distinct locations of every event of ``state``, in applied order, without ``exclude``."""
    events = state.events
    if len(events) == 1:
        where = loc(events[0])
        return (where,) if where != exclude else ()
    # distinct places told by (file, line, column) tuples (hashed and compared in C, unlike the records),
    # a Location made for each distinct one only; a dict keeps the first insertion's order
    skip = (exclude.file, exclude.line, exclude.column) if exclude is not None else None
    seen: dict[tuple[str, int, int], None] = {}
    for e in events:
        ref = e.ref
        seen[(ref.file, ref.line, ref.column)] = None
    seen.pop(skip, None)  # type: ignore[arg-type]
    return tuple([new_location(*place) for place in seen])


def children_by_parent(schema: Schema) -> dict[str, list[ObjectState]]:
    """Existing columns, constraints, indexes, policies and triggers of every table, by table id
    (one pass over the schema; :meth:`Schema.children` scans every object on each call)."""
    out: dict[str, list[ObjectState]] = {}
    for state in schema.objects.values():
        if state.parent is not None and state.exists:
            out.setdefault(state.parent, []).append(state)
    return out


@dataclass(frozen=True)
class TableKeys:
    """A table's keys in the final state: primary key and unique column lists, foreign keys, indexes."""

    primary_key: tuple[str, ...]
    unique_keys: tuple[tuple[str, ...], ...]
    foreign_keys: tuple[tuple[ConstraintDef, Location], ...]
    indexes: tuple[IndexDef, ...]


def table_keys(table: ObjectState, children: Mapping[str, list[ObjectState]]) -> TableKeys:
    """The keys of ``table`` from its existing children."""
    pk: tuple[str, ...] = ()
    uniques: list[tuple[str, ...]] = []
    fks: list[tuple[ConstraintDef, Location]] = []
    indexes: list[IndexDef] = []
    using_index: list[ConstraintDef] = []  # ADD CONSTRAINT ... USING INDEX: the columns are its index's
    for child in children.get(table.id, ()):
        d = child.detail
        # most children are columns: tell them first, by exact type (the records are final classes)
        kind = type(d)
        if kind is ColumnDef:
            if d.primary_key and not pk:
                pk = (d.name,)
        elif kind is ConstraintDef:
            if d.type in ("primary-key", "unique") and not d.columns:
                using_index.append(d)
            elif d.type == "primary-key":
                pk = d.columns
            elif d.type == "unique":
                uniques.append(d.columns)
            elif d.type == "foreign-key":
                fks.append((d, birth_location(child)))
        elif kind is IndexDef:
            indexes.append(d)
    for d in using_index:
        columns = next((i.columns for i in indexes if i.name == d.name), ())
        if d.type == "primary-key":
            pk = pk or columns
        elif columns:
            uniques.append(columns)
    return TableKeys(pk, tuple(uniques), tuple(fks), tuple(indexes))


def kinds_and_children(
    schema: Schema,
) -> tuple[dict[ObjectKind, list[ObjectState]], dict[str, list[ObjectState]]]:
    """(:func:`objects_by_kind`, :func:`children_by_parent`) of ``schema``, in one pass over its objects
    (each object is read once: on large directories the pass is bound by reading them from memory)."""
    by_kind: dict[ObjectKind, list[ObjectState]] = {}
    children: dict[str, list[ObjectState]] = {}
    for state in schema.objects.values():
        kind = state.kind
        group = by_kind.get(kind)
        if group is None:
            by_kind[kind] = [state]
        else:
            group.append(state)
        parent = state.parent
        if parent is not None and state.exists:
            siblings = children.get(parent)
            if siblings is None:
                children[parent] = [state]
            else:
                siblings.append(state)
    return by_kind, children


def objects_by_kind(schema: Schema) -> dict[ObjectKind, list[ObjectState]]:
    """Every object of ``schema`` (dropped ones too) grouped by kind, each group in the schema's order."""
    out: dict[ObjectKind, list[ObjectState]] = {}
    for state in schema.objects.values():
        group = out.get(state.kind)
        if group is None:
            group = out[state.kind] = []
        group.append(state)
    return out


def table_states(states: Iterable[ObjectState]) -> Iterator[tuple[ObjectState, TableDef]]:
    """The tables among ``states`` (existing table objects) created by the migrations, sorted by id,
    with their final detail."""
    for state in sorted(states, key=_ID):
        if isinstance(state.detail, TableDef) and not state.external:
            yield state, state.detail


def policy_states(states: Iterable[ObjectState]) -> Iterator[tuple[ObjectState, PolicyDef]]:
    """The policies among ``states`` that exist at the end, in the order given, with their final detail."""
    for state in states:
        d = state.detail
        if state.exists and type(d) is PolicyDef:
            yield state, d


def tables(schema: Schema) -> Iterator[tuple[ObjectState, TableDef]]:
    """Existing tables created by the migrations, sorted by id, with their final detail (rules read
    ``RuleContext.tables``, the same computed once)."""
    return table_states(schema.of_kind(ObjectKind.TABLE))


def definition(state: ObjectState) -> Effect | None:
    """The CREATE / CREATE OR REPLACE whose definition is in force at the end (of the last lifetime)."""
    events = state.events
    if len(events) == 1:
        e = events[0]
        return e if e.action in _CREATES else None
    found: Effect | None = None
    alive = False
    for e in events:
        action = e.action
        if action in _CREATES:
            if not alive or action == _CREATE_OR_REPLACE:
                found, alive = e, True
        elif action == _DROP:
            alive = False
    return found


def last_change(state: ObjectState, attributes: Iterable[str], after: Location) -> Effect | None:
    """The last ALTER of ``state`` changing one of ``attributes`` (``Change.attribute``) after ``after``."""
    wanted = attributes if isinstance(attributes, frozenset) else frozenset(attributes)
    for e in reversed(state.events):
        if e.action == _ALTER and getattr(e.detail, "attribute", None) in wanted and loc(e) > after:
            return e
    return None


def function_states(states: Iterable[ObjectState]) -> Iterator[tuple[ObjectState, FunctionDef]]:
    """The routines among ``states`` sorted by id, with their final detail."""
    for state in sorted(states, key=_ID):
        if isinstance(state.detail, FunctionDef):
            yield state, state.detail


def functions(schema: Schema) -> Iterator[tuple[ObjectState, FunctionDef]]:
    """Existing functions and procedures, sorted by id, with their final detail (rules read
    ``RuleContext.routines``, the same computed once)."""
    return function_states(schema.functions())


def order_key(effect: Effect, order: Mapping[str, int]) -> tuple[int, int]:
    """Position of an effect in applied order: (file position, statement index)."""
    return (order.get(effect.ref.file, len(order)), effect.ref.statement_index)


def type_timeline(column: ObjectState) -> list[tuple[Effect, TypeRef | None]]:
    """(event, the column's type after it) for each create, type change and drop of a column."""
    out: list[tuple[Effect, TypeRef | None]] = []
    current: TypeRef | None = None
    for e in column.events:
        if e.action in _CREATES and isinstance(e.detail, ColumnDef):
            if current is None:
                current = e.detail.type
                out.append((e, current))
        elif e.action == _ALTER and getattr(e.detail, "attribute", None) == "type":
            value = getattr(e.detail, "value", None)
            if current is not None and isinstance(value, TypeRef):
                current = value
                out.append((e, current))
        elif e.action == _DROP and current is not None:
            current = None
            out.append((e, None))
    return out


def type_at(
    column: ObjectState, when: tuple[int, int], order: Mapping[str, int]
) -> tuple[TypeRef, Location] | None:
    """The column's type (and where it was set) just before position ``when``, None if it did not exist."""
    found: tuple[TypeRef, Location] | None = None
    for e, t in type_timeline(column):
        if order_key(e, order) >= when:
            break
        found = (t, loc(e)) if t is not None else None
    return found


def columns_of(table: ObjectState, children: Mapping[str, list[ObjectState]]) -> list[ObjectState]:
    """The existing columns of ``table`` (states with a :class:`ColumnDef` detail), in creation order."""
    return [c for c in children.get(table.id, ()) if isinstance(c.detail, ColumnDef)]


def column_location(column: ObjectState) -> Location:
    """Where the column got its final type (its creation, or the last ALTER ... TYPE)."""
    timeline = type_timeline(column)
    return loc(timeline[-1][0]) if timeline else birth_location(column)
