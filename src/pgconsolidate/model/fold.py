"""Fold effects in applied order into the final :class:`Schema` and each object's timeline (pure).

The result is what PostgreSQL ends with when the statements run in order: ``IF NOT EXISTS`` on an
existing object is a no-op (a skipped ``CREATE TABLE IF NOT EXISTS`` adds none of its columns), a plain
``CREATE`` of an object that already exists fails and changes nothing (it stays in the timeline, where
rules see it), ``CREATE OR REPLACE`` replaces, nothing is created on a table that was dropped, renames
move the identity (and the identities of a table's columns, constraints, policies and triggers),
dropping a table drops its columns, indexes, constraints, policies and triggers, ``CASCADE`` also drops
dependent views and foreign keys, dropping a column drops the indexes and constraints on it.

Each identity keeps one :class:`ObjectState`: an identity that is dropped and created again keeps its
whole history in ``events``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any, cast

from pgconsolidate.model.names import EXTENSION_TYPES
from pgconsolidate.model.types import (
    DEFINING_ACTIONS,
    Action,
    Change,
    ColumnDef,
    ConstraintDef,
    Effect,
    ExtensionDef,
    FunctionDef,
    GrantDef,
    IndexDef,
    ObjectKind,
    ObjectState,
    PolicyDef,
    Schema,
    SequenceDef,
    TableDef,
    TriggerDef,
    ViewDef,
    members,
)
from pgconsolidate.statements.records import blank_twin, maker

#: The members as plain class attributes (``types.members``: reading them off the Enum classes is slow).
K = members(ObjectKind)
A = members(Action)

_CHILD_KINDS = frozenset({K.COLUMN, K.CONSTRAINT, K.POLICY, K.TRIGGER})
_TABLE_LIKE = frozenset({K.TABLE, K.VIEW, K.MATERIALIZED_VIEW})
_VIEW_KINDS = frozenset({K.VIEW, K.MATERIALIZED_VIEW})
_INHERITED_ACTIONS = frozenset({A.CREATE, A.ALTER, A.DROP, A.RENAME})
#: Change attributes that move a table into or out of another's family (partitions, INHERITS children).
_FAMILY_ATTRIBUTES = frozenset({"partition_of", "add_inherit", "drop_inherit"})
_ALL_PRIVILEGES = {
    K.TABLE: ("select", "insert", "update", "delete", "truncate", "references", "trigger", "maintain"),
    K.VIEW: ("select", "insert", "update", "delete", "truncate", "references", "trigger", "maintain"),
    K.MATERIALIZED_VIEW: ("select", "insert", "update", "delete", "truncate", "references", "trigger"),
    K.SEQUENCE: ("usage", "select", "update"),
    K.FUNCTION: ("execute",),
    K.PROCEDURE: ("execute",),
    K.SCHEMA: ("usage", "create"),
    K.TYPE: ("usage",),
    K.DOMAIN: ("usage",),
}
_SCHEMA_WIDE = {
    K.TABLE: (K.TABLE, K.VIEW, K.MATERIALIZED_VIEW),
    K.SEQUENCE: (K.SEQUENCE,),
    K.FUNCTION: (K.FUNCTION, K.PROCEDURE),
    K.PROCEDURE: (K.PROCEDURE,),
}


#: What :meth:`_Folder.apply_one` does with each action (other than the defining ones), as small codes:
#: the actions below ``_ON_OBJECT`` have their own method, the others add an event to their object.
_DROP, _RENAME, _GRANT, _DYNAMIC, _ON_OBJECT, _ALTER, _DATA, _COMMENT = range(8)
_ENABLE_RLS, _DISABLE_RLS, _FORCE_RLS, _NO_FORCE_RLS, _OTHER = range(8, 13)
_APPLY_CODE = {
    Action.DROP: _DROP,
    Action.RENAME: _RENAME,
    Action.GRANT: _GRANT,
    Action.REVOKE: _GRANT,
    Action.DYNAMIC: _DYNAMIC,
    Action.ALTER: _ALTER,
    Action.OWNER: _ALTER,
    Action.INSERT: _DATA,
    Action.UPDATE: _DATA,
    Action.DELETE: _DATA,
    Action.TRUNCATE: _DATA,
    Action.COMMENT: _COMMENT,
    Action.ENABLE_RLS: _ENABLE_RLS,
    Action.DISABLE_RLS: _DISABLE_RLS,
    Action.FORCE_RLS: _FORCE_RLS,
    Action.NO_FORCE_RLS: _NO_FORCE_RLS,
}
#: The table field and value each row level security action sets.
_RLS_CHANGES = {
    _ENABLE_RLS: ("rls", True),
    _DISABLE_RLS: ("rls", False),
    _FORCE_RLS: ("force_rls", True),
    _NO_FORCE_RLS: ("force_rls", False),
}


class _State:
    """An object while the fold builds it: a mutable twin of :class:`ObjectState` (the same slots, in
    the same order), so that once the fold is done each becomes an ObjectState in place
    (:meth:`_Folder.schema`) instead of being copied into a new record. ``events`` is a tuple while
    the object has at most one event (most objects: 190,000 of 230,000 on the benchmark corpus) and a
    list from its second on (:func:`_add_event`: appends stay O(1) on objects with thousands of events),
    so that :meth:`_Folder.schema` turns only those lists into tuples (turning every list into a tuple
    there was a serial ~80 ms at the end of the fold, and left a freed list per object). ``external``
    stays True until the object is created. No ``__init__``: ``_State()`` makes an empty one through the
    C constructors alone, and the fold fills its fields where it makes one."""

    __slots__ = ObjectState.__slots__

    id: str
    kind: ObjectKind
    detail: Any
    exists: bool
    events: tuple[Effect, ...] | list[Effect]
    parent: str | None
    external: bool


#: Detail records that belong to a table (their ``table`` field). The records have no subclasses, so an
#: exact type lookup answers what ``isinstance`` would, cheaper.
_TABLE_CHILDREN = frozenset({ColumnDef, ConstraintDef, PolicyDef, TriggerDef, IndexDef})
_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _fields(detail: Any) -> frozenset[str]:
    """The field names of a detail record's class (cached; none when it is not a dataclass record)."""
    cls = type(detail)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        is_record = dataclasses.is_dataclass(detail) and not isinstance(detail, type)
        names = frozenset(f.name for f in dataclasses.fields(detail)) if is_record else frozenset()
        _FIELD_NAMES[cls] = names
    return names


_GETTERS: dict[type, tuple[Callable[[Any], tuple[Any, ...]], dict[str, int], Callable[..., Any]]] = {}


def _getter(cls: type) -> tuple[Callable[[Any], tuple[Any, ...]], dict[str, int], Callable[..., Any]]:
    """A function returning a record's field values in order, each field's position, and a function
    building a record from field values (cached; :func:`~pgconsolidate.model.makers.maker` for the
    slotted records, which is cheaper than the class)."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    values = attrgetter(*names) if len(names) > 1 else lambda record: tuple(getattr(record, n) for n in names)
    slots = set(cls.__dict__.get("__slots__", ()))
    make = maker(cls) if names and slots.issuperset(names) else cls
    getter = _GETTERS[cls] = (values, {n: i for i, n in enumerate(names)}, make)
    return getter


def _replace(record: Any, /, **changes: Any) -> Any:
    """``dataclasses.replace`` for the model's frozen records (every field an ``__init__`` parameter,
    in order, no ``__post_init__``): the same new record, without re-reading the
    class's fields each time."""
    values, position, make = _GETTERS.get(type(record)) or _getter(type(record))
    args = list(values(record))
    for name, value in changes.items():
        args[position[name]] = value
    return make(*args)


def _replace_one(record: Any, name: str, value: Any) -> Any:
    """:func:`_replace` of one field (what ALTERs, comments and the row level security switches do),
    without building and unpacking a keyword dictionary: a compiled copy of the record's fields
    (:func:`_copier`)."""
    copy = _COPIERS.get(type(record)) or _copier(type(record))
    return copy(record, name, value)


_COPIERS: dict[type, Callable[[Any, str, Any], Any]] = {}


def _copier(cls: type) -> Callable[[Any, str, Any], Any]:
    """``copy(record, name, value)``: a ``cls`` record equal to ``record`` but for field ``name``. For the
    slotted records: each field read and stored into a :func:`~pgconsolidate.statements.records.blank_twin`
    (plain attribute stores, no tuple of values, no call with every field), then given its class, as
    :func:`~pgconsolidate.statements.records.maker` builds records; others through :func:`_replace`."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    slots = set(cls.__dict__.get("__slots__", ()))
    if names and slots.issuperset(names):
        body = "".join(f"    o.{n} = r.{n}\n" for n in names)
        source = f"def copy(r, name, value):\n    o = _twin()\n{body}    setattr(o, name, value)\n"
        source += "    o.__class__ = _cls\n    return o\n"
        namespace: dict[str, Any] = {"_twin": blank_twin(cls), "_cls": cls}
        exec(source, namespace)  # generated from field names only, as records.maker does
        copy: Callable[[Any, str, Any], Any] = namespace["copy"]
    else:

        def copy(record: Any, name: str, value: Any) -> Any:
            return _replace(record, **{name: value})

    _COPIERS[cls] = copy
    return copy


def _parent_of(effect: Effect) -> str | None:
    d = effect.detail
    cls = type(d)
    if cls in _TABLE_CHILDREN:
        return str(d.table)
    if cls is SequenceDef and d.owned_by and d.owned_by.count(".") >= 2:
        return str(d.owned_by.rsplit(".", 1)[0])
    if effect.kind in _CHILD_KINDS:
        return effect.id.rsplit(".", 1)[0]
    return None


def _with_table(detail: Any, table: str) -> Any:
    if type(detail) in _TABLE_CHILDREN:
        return _replace(detail, table=table)
    return detail


def _add_event(st: _State, e: Effect) -> None:
    """Append ``e`` to the events of ``st`` (a tuple of at most one event becomes a list: see _State)."""
    events = st.events
    if type(events) is list:
        events.append(e)
    else:
        st.events = [*events, e]


class _Folder:
    def __init__(self) -> None:
        self.objects: dict[str, _State] = {}
        self.children: dict[str, dict[str, None]] = {}  # parent → child ids, in creation order
        self.inheritors: dict[str, list[str]] = {}  # table → partitions and INHERITS children
        self.grants: list[Effect] = []
        self.default_privileges: list[Effect] = []
        # (object, grantee) -> privileges held: frozensets, handed to the Schema as they are
        self.privileges: dict[tuple[str, str], frozenset[str]] = {}
        self.dynamic: list[Effect] = []
        self.comments: dict[str, str] = {}
        self.data: list[Effect] = []
        self.skipped_tables: set[tuple[str, int, str]] = set()  # (file, statement, table) of no-op CREATEs
        self.dependents: dict[str, dict[str, None]] = {}  # object id → ids that CASCADE would drop with it
        self.overloads: dict[str, set[str]] = {}  # "schema.name(" → routine identities

    # ------------------------------------------------------------------ bookkeeping

    def state(self, oid: str, kind: ObjectKind, parent: str | None = None) -> _State:
        st = self.objects.get(oid)
        if st is None:
            st = _State()
            st.id = oid
            st.kind = kind
            st.detail = None
            st.exists = False
            st.events = ()
            st.parent = parent
            st.external = True
            self.objects[oid] = st
            if parent:
                self.children.setdefault(parent, {})[oid] = None
        return st

    def set_parent(self, st: _State, parent: str | None) -> None:
        if st.parent == parent:
            return
        if st.parent and st.parent in self.children:
            self.children[st.parent].pop(st.id, None)
        st.parent = parent
        if parent:
            self.children.setdefault(parent, {})[st.id] = None

    def resolve(self, oid: str, kind: ObjectKind) -> str:
        """``schema.name(*)`` (a routine named without arguments) → the existing overload's identity."""
        if not oid.endswith("(*)"):
            return oid
        prefix = oid[:-2]
        matches = [i for i in self.overloads.get(prefix, ()) if self.objects[i].exists]
        if len(matches) == 1:
            return matches[0]
        return oid

    # ------------------------------------------------------------------ effects

    def run(self, effects: Iterable[Effect]) -> None:
        """Apply ``effects`` in order. Defining effects (most of them) are handled here, without a call
        per effect; the others go to :meth:`apply_one`, column effects on a table with partitions or
        INHERITS children also to :meth:`inherited`."""
        apply_one, defining = self.apply_one, DEFINING_ACTIONS
        objects, children, dependents = self.objects, self.children, self.dependents
        skipped = self.skipped_tables  # filled in place, never replaced
        inheritors = self.inheritors  # likewise
        extension_types = EXTENSION_TYPES
        for e in effects:
            if e.action not in defining:
                apply_one(e)
                if inheritors:
                    self.inherited(e)
                continue
            # CREATE / CREATE OR REPLACE (what :meth:`create` did as a method, inlined: one frame less
            # per effect on the hottest path of the fold)
            d = e.detail
            cls = type(d)
            if cls in _TABLE_CHILDREN:
                parent = d.table
            elif cls is SequenceDef or e.kind in _CHILD_KINDS:
                parent = _parent_of(e)
            else:
                parent = None
            parent_dropped = False
            if parent:
                gone = objects.get(parent)
                if (skipped and (e.ref.file, e.ref.statement_index, parent) in skipped) or (
                    e.if_exists and (gone is None or not gone.exists)
                ):
                    # part of a CREATE TABLE IF NOT EXISTS that did nothing, or ALTER TABLE IF EXISTS
                    # on a missing table: nothing happens, to the table's partitions and children either
                    continue
                if gone is not None and not gone.exists:
                    # its table was dropped: the statement fails, nothing is created (the event stays)
                    parent_dropped = not gone.external
            oid = e.id
            st = objects.get(oid)
            if st is None:  # a new identity (the common case): the state is built complete
                if parent:
                    siblings = children.get(parent)
                    if siblings is None:
                        children[parent] = {oid: None}
                    else:
                        siblings[oid] = None
                # the state built in place (no __init__ frame: the most common path of the fold)
                st = objects[oid] = _State()
                st.id = oid
                st.kind = e.kind
                st.events = (e,)
                st.parent = parent
                if parent_dropped:  # the statement failed: its table's partitions get nothing either
                    st.detail = None
                    st.exists = False
                    st.external = True
                    continue
                st.detail = d
                st.exists = True
                st.external = False
            else:
                events = st.events
                if type(events) is list:
                    events.append(e)
                else:  # a second event: the tuple of one becomes a list (see _State)
                    st.events = [*events, e]
                if parent_dropped:  # the statement failed: its table's partitions get nothing either
                    continue
                if st.exists and (e.if_not_exists or e.action == A.CREATE):
                    # IF NOT EXISTS: a no-op; a plain CREATE of an existing object fails and changes nothing
                    # (PostgreSQL does not go on to the partitions and INHERITS children either)
                    if e.kind in _TABLE_LIKE:
                        skipped.add((e.ref.file, e.ref.statement_index, e.id))
                    continue
                if e.kind != st.kind and not st.exists:
                    st.kind = e.kind
                st.detail = d
                st.exists = True
                st.external = False
                if st.parent != parent:
                    self.set_parent(st, parent)
            # what :meth:`index` records, inlined
            if "(" in oid:
                prefix = oid.split("(", 1)[0] + "("
                overloads = self.overloads.get(prefix)
                if overloads is None:
                    self.overloads[prefix] = {oid}
                else:
                    overloads.add(oid)
            target: str | None = None
            if cls is ColumnDef:  # the most common record: nothing more to do for it below
                t = d.type
                target = f"{t.schema}.{t.name}" if t.schema else extension_types.get(t.name)
            elif cls is ConstraintDef:
                target = d.ref_table or None
            elif st.kind in _VIEW_KINDS:
                for used in getattr(d, "uses", ()):
                    users = dependents.get(used)
                    if users is None:
                        dependents[used] = {oid: None}
                    else:
                        users[oid] = None
            elif cls is TriggerDef:
                target = d.function
            if target is not None:
                users = dependents.get(target)
                if users is None:
                    dependents[target] = {oid: None}
                else:
                    users[oid] = None
            if cls is TableDef:
                self.inherit(st, d, e)
            elif cls is ExtensionDef:
                self.extension_types(d, e)
            elif cls is ConstraintDef and d.type == "primary-key":
                for col in d.columns:  # PRIMARY KEY makes its columns NOT NULL
                    cst = objects.get(f"{d.table}.{col}")
                    if cst is not None and isinstance(cst.detail, ColumnDef) and not cst.detail.not_null:
                        cst.detail = _replace_one(cst.detail, "not_null", True)
            if inheritors:
                self.inherited(e)

    def apply(self, e: Effect) -> None:
        """Apply one effect."""
        self.run((e,))

    def inherited(self, e: Effect) -> None:
        """A column effect on a table, applied to its partitions and INHERITS children too."""
        if e.kind == K.COLUMN and e.action in _INHERITED_ACTIONS:
            table, _, col = e.id.rpartition(".")
            for child in self.inheritors.get(table, ()):
                if self.exists(child):
                    new_id = f"{child}.{e.new_id.rpartition('.')[2]}" if e.new_id else None
                    detail = _with_table(e.detail, child)
                    self.apply(_replace(e, id=f"{child}.{col}", new_id=new_id, detail=detail))

    def exists(self, oid: str) -> bool:
        st = self.objects.get(oid)
        return st is not None and st.exists

    def apply_one(self, e: Effect) -> None:
        """An effect of any action but the defining ones (:meth:`run` handles those itself)."""
        code = _APPLY_CODE.get(e.action, _OTHER)  # one lookup instead of a chain of comparisons
        if code < _ON_OBJECT:
            if code == _DROP:
                self.drop(e)
            elif code == _RENAME:
                self.rename(e)
            elif code == _GRANT:
                self.grant(e)
            else:
                self.dynamic.append(e)
            return
        oid = e.id
        if oid[-3:] == "(*)":
            oid = self.resolve(oid, e.kind)
        st = self.objects.get(oid)
        if st is None:
            st = self.state(oid, e.kind, _parent_of(e))
        _add_event(st, e)
        if code == _ALTER:
            change = e.detail
            if type(change) is Change and st.detail is not None:
                st.detail = _apply_change(st.detail, change)
                if change.attribute in _FAMILY_ATTRIBUTES and type(st.detail) is TableDef:
                    self.family_changed(oid, change)
        elif code == _DATA:
            self.data.append(e)
        elif code == _COMMENT:
            if e.detail is None:
                self.comments.pop(oid, None)
            else:
                self.comments[oid] = str(e.detail)
            if type(st.detail) is TableDef:
                st.detail = _replace_one(st.detail, "comment", e.detail)
        elif code != _OTHER and type(st.detail) is TableDef:  # the row level security switches
            field, value = _RLS_CHANGES[code]
            st.detail = _replace_one(st.detail, field, value)

    def extension_types(self, d: ExtensionDef, e: Effect) -> None:
        """The types a well-known extension creates (``extensions.vector``), dropped with it."""
        for type_name, ext in EXTENSION_TYPES.items():
            if ext != d.name:
                continue
            st = self.state(f"{d.schema or 'public'}.{type_name}", K.TYPE)
            _add_event(st, e)
            st.exists = True
            st.external = False
            self.dependents.setdefault(d.name, {})[st.id] = None

    def family_changed(self, table: str, change: Change) -> None:
        """ATTACH/DETACH PARTITION, INHERIT/NO INHERIT: later column effects on the parent reach ``table``
        (or no longer do)."""
        attribute, parent = change.attribute, change.value
        if attribute == "drop_inherit":
            lists = [self.inheritors.get(parent, [])]
        elif parent is None:  # DETACH PARTITION: a partition has one parent
            lists = list(self.inheritors.values())
        else:
            children = self.inheritors.setdefault(parent, [])
            if table not in children:
                children.append(table)
            return
        for children in lists:
            if table in children:
                children.remove(table)

    def inherit(self, st: _State, d: TableDef, e: Effect) -> None:
        """Columns a new table gets from PARTITION OF / INHERITS / LIKE sources."""
        sources = [*([d.partition_of] if d.partition_of else []), *d.inherits]
        for src in sources:
            self.inheritors.setdefault(src, []).append(st.id)
        for src in [*sources, *d.like]:
            for cid in list(self.children.get(src, ())):
                col = self.objects[cid]
                if col.kind != K.COLUMN or not col.exists or not isinstance(col.detail, ColumnDef):
                    continue
                copy = _replace(col.detail, table=st.id, primary_key=False)
                new = self.state(f"{st.id}.{copy.name}", K.COLUMN, st.id)
                _add_event(new, e)
                new.detail = copy
                new.exists = True
                new.external = False
                self.set_parent(new, st.id)

    def index(self, st: _State) -> None:
        """Record what ``st`` depends on (for CASCADE) and its overload name (for ``f(*)`` lookups).

        :meth:`run` does the same inline for every definition (its hottest path); this serves the
        objects :meth:`move` makes. A change here belongs there too."""
        d = st.detail
        oid = st.id
        if "(" in oid:
            self.overloads.setdefault(oid.split("(", 1)[0] + "(", set()).add(oid)
        cls = type(d)
        target: str | None = None
        if cls is ColumnDef:  # the most common record: first
            t = d.type
            target = f"{t.schema}.{t.name}" if t.schema else EXTENSION_TYPES.get(t.name)
        elif cls is ConstraintDef:
            target = d.ref_table or None
        elif st.kind in _VIEW_KINDS:
            for t in getattr(d, "uses", ()):
                self.dependents.setdefault(t, {})[oid] = None
            return
        elif cls is TriggerDef:
            target = d.function
        if target is not None:
            self.dependents.setdefault(target, {})[oid] = None

    def drop(self, e: Effect) -> None:
        oid = self.resolve(e.id, e.kind)
        st = self.objects.get(oid)
        if st is None:
            st = self.state(oid, e.kind, _parent_of(e))
        _add_event(st, e)
        if not st.exists:
            return
        self.remove(st, e)

    def remove(self, st: _State, e: Effect) -> None:
        """Mark ``st`` dropped, with what goes with it."""
        st.exists = False
        for child_id in list(self.children.get(st.id, ())):
            child = self.objects.get(child_id)
            if child is not None and child.exists and child is not st:
                _add_event(child, e)
                self.remove(child, e)
        kind = st.kind
        if kind == K.COLUMN and st.parent:
            col = st.id.rsplit(".", 1)[1]
            for sib_id in list(self.children.get(st.parent, ())):
                sib = self.objects[sib_id]
                if not sib.exists:
                    continue
                d = sib.detail
                if isinstance(d, (IndexDef, ConstraintDef)) and col in d.columns:
                    _add_event(sib, e)
                    self.remove(sib, e)
        if (
            kind == K.CONSTRAINT
            and isinstance(st.detail, ConstraintDef)
            and st.detail.type in ("primary-key", "unique", "exclude")
        ):
            schema = st.detail.table.rsplit(".", 1)[0]
            idx = self.objects.get(f"{schema}.{st.detail.name}")
            if idx is not None and idx.exists and isinstance(idx.detail, IndexDef) and idx.detail.constraint:
                _add_event(idx, e)
                idx.exists = False
        if kind in _TABLE_LIKE and self.inheritors:
            self.drop_family(st, e)
        if kind == K.EXTENSION:
            for tid in list(self.dependents.get(st.id, ())):
                t = self.objects.get(tid)
                if t is not None and t.exists and t.kind == K.TYPE:
                    _add_event(t, e)
                    t.exists = False
        if not e.cascade:
            return
        if kind == K.COLUMN and st.parent:
            # views reading the column go with it (best effort: the column's name appears in the query)
            col_re = re.compile(r"\b" + re.escape(st.id.rsplit(".", 1)[1]) + r"\b")
            for vid in list(self.dependents.get(st.parent, ())):
                view = self.objects.get(vid)
                if (
                    view is not None
                    and view.exists
                    and isinstance(view.detail, ViewDef)
                    and col_re.search(view.detail.query)
                ):
                    _add_event(view, e)
                    self.remove(view, e)
            return
        # CASCADE: dependent objects elsewhere
        target = st.id
        if kind == K.SCHEMA:
            victims = [o for o in self.objects.values() if o.parent is None and o.id.startswith(target + ".")]
        else:
            victims = [self.objects[i] for i in self.dependents.get(target, ()) if i in self.objects]
        for other in victims:
            if other.exists and other is not st:
                _add_event(other, e)
                self.remove(other, e)

    def drop_family(self, st: _State, e: Effect) -> None:
        """A dropped table's partitions go with it (always, as in PostgreSQL), and with CASCADE its
        INHERITS children too (without it PostgreSQL refuses the DROP; the model keeps them); later
        column effects on a table of the same name no longer reach any of them, nor this table through
        a parent it had."""
        for child_id in self.inheritors.pop(st.id, ()):
            child = self.objects.get(child_id)
            if child is None or not child.exists or child is st:
                continue
            d = child.detail
            if e.cascade or (type(d) is TableDef and d.partition_of == st.id):
                _add_event(child, e)
                self.remove(child, e)
        for family in self.inheritors.values():
            if st.id in family:
                family.remove(st.id)

    def rename(self, e: Effect) -> None:
        oid = self.resolve(e.id, e.kind)
        new_id = e.new_id or oid
        if new_id.endswith("(*)") and not oid.endswith("(*)") and "(" in oid:
            new_id = new_id[:-3] + oid[oid.index("(") :]
        st = self.objects.get(oid)
        if st is None:
            st = self.state(oid, e.kind, _parent_of(e))
        _add_event(st, e)
        if not st.exists or new_id == oid:
            return
        new = self.move(st, new_id)
        if st.kind == K.COLUMN and new.parent:
            old_col, new_col = oid.rsplit(".", 1)[1], new_id.rsplit(".", 1)[1]
            for sib_id in self.children.get(new.parent, ()):
                sib = self.objects[sib_id]
                d = sib.detail
                if sib.exists and isinstance(d, (IndexDef, ConstraintDef)) and old_col in d.columns:
                    cols = tuple(new_col if c == old_col else c for c in d.columns)
                    sib.detail = _replace(d, columns=cols)
        if st.kind in (K.TABLE, K.VIEW, K.MATERIALIZED_VIEW):
            for child_id in list(self.children.get(oid, ())):
                child = self.objects[child_id]
                if not child.exists:
                    continue
                if child.kind in _CHILD_KINDS:
                    moved = self.move(child, new_id + child_id[len(oid) :])
                    moved.detail = _with_table(moved.detail, new_id)
                    self.set_parent(moved, new_id)
                    _add_event(moved, e)
                else:  # indexes keep their name
                    child.detail = _with_table(child.detail, new_id)
                    self.set_parent(child, new_id)
                    _add_event(child, e)
            for other in self.objects.values():
                d = other.detail
                if other.exists and isinstance(d, ConstraintDef) and d.ref_table == oid:
                    other.detail = _replace(d, ref_table=new_id)

    def move(self, st: _State, new_id: str) -> _State:
        """Move a live object to ``new_id``: the new identity gets its history; the old keeps a tombstone."""
        new = self.state(new_id, st.kind, st.parent)
        new.events = [*new.events, *st.events] if new.events and not new.exists else list(st.events)
        new.kind = st.kind
        new.detail = _renamed(st.detail, new_id)
        new.exists = True
        new.external = st.external
        st.exists = False
        self.index(new)
        return new

    def grant(self, e: Effect) -> None:
        g = e.detail
        if not isinstance(g, GrantDef):
            self.default_privileges.append(e)
            return
        self.grants.append(e)
        if g.object_id.endswith(".*"):
            schema = g.object_id[:-2]
            kinds = _SCHEMA_WIDE.get(g.object_kind, (g.object_kind,))
            targets = [
                s
                for s in self.objects.values()
                if s.exists and s.kind in kinds and s.id.startswith(schema + ".")
            ]
            targets = [s for s in targets if s.parent is None]
        else:
            oid = self.resolve(g.object_id, g.object_kind)
            st = self.objects.get(oid)
            if st is None:
                st = self.state(oid, g.object_kind, None)
            targets = [st]
        for st in targets:
            _add_event(st, e)
            privs: set[str] = set()
            for p in g.privileges:
                if p in ("all", "all privileges"):
                    privs.update(_ALL_PRIVILEGES.get(st.kind, ("all",)))
                else:
                    privs.add(p)
            for grantee in g.grantees:
                key = (st.id, grantee)
                if g.revoke and g.grant_option:
                    continue  # REVOKE GRANT OPTION FOR: the privileges themselves stay
                if g.revoke:
                    current = self.privileges.get(key)
                    if current is not None:
                        left = current - privs
                        if left:
                            self.privileges[key] = left
                        else:
                            del self.privileges[key]
                else:
                    held = self.privileges.get(key)
                    self.privileges[key] = frozenset(privs) if held is None else held | privs

    def schema(self) -> Schema:
        """The folded schema (the folder is done: its objects become the schema's, in place)."""
        objects = self.objects
        for st in objects.values():  # each becomes an ObjectState in place (same slots, events a tuple)
            if type(st.events) is list:
                st.events = tuple(st.events)
            st.__class__ = ObjectState  # type: ignore[assignment]
        return Schema(
            objects=cast(dict[str, ObjectState], objects),
            grants=tuple(self.grants),
            privileges=self.privileges,
            default_privileges=tuple(self.default_privileges),
            dynamic=tuple(self.dynamic),
            comments=dict(self.comments),
            data=tuple(self.data),
        )


def _renamed(detail: Any, new_id: str) -> Any:
    """The detail record under its new identity (name and schema updated when the record has them)."""
    if detail is None or not dataclasses.is_dataclass(detail) or isinstance(detail, type):
        return detail
    fields = _fields(detail)
    changes: dict[str, Any] = {}
    if isinstance(detail, FunctionDef):
        head = new_id.split("(", 1)[0]
        schema, _, name = head.rpartition(".")
        changes = {"schema": schema, "name": name}
    elif isinstance(detail, (ColumnDef, ConstraintDef, PolicyDef, TriggerDef)):
        changes = {"name": new_id.rsplit(".", 1)[1]}
    elif "schema" in fields and "name" in fields:
        schema, _, name = new_id.partition(".")
        changes = {"schema": schema, "name": name}
    elif "name" in fields:
        changes = {"name": new_id}
    return _replace(detail, **changes) if changes else detail


#: Change attributes that edit a field rather than set it (see :func:`_apply_change`).
_EDITING_ATTRIBUTES = frozenset(
    {"add_config", "reset_config", "add_label", "rename_label", "add_attribute", "add_inherit"}
    | {"drop_inherit", "identity"}
)


def _apply_change(detail: Any, change: Change) -> Any:
    """The detail record after an ALTER."""
    attr, value = change.attribute, change.value
    d: Any = detail
    fields = _FIELD_NAMES.get(type(d)) or _fields(d)
    if not fields:  # not a dataclass record
        return detail
    if attr not in _EDITING_ATTRIBUTES:  # most ALTERs: one field set to a value
        return _replace_one(d, attr, value) if attr in fields else d
    if attr == "add_config" and "config" in fields:
        key, val = value
        return _replace_one(d, "config", (*((k, v) for k, v in d.config if k != key), (key, val)))
    if attr == "reset_config" and "config" in fields:
        cfg = () if value in (None, "all") else tuple(kv for kv in d.config if kv[0] != value)
        return _replace(d, config=cfg)
    if attr == "add_label" and "labels" in fields:
        return d if value in d.labels else _replace(d, labels=(*d.labels, value))
    if attr == "rename_label" and "labels" in fields:
        old, new = value
        return _replace(d, labels=tuple(new if x == old else x for x in d.labels))
    if attr == "add_attribute" and "attributes" in fields:
        return _replace(d, attributes=(*d.attributes, value))
    if attr == "add_inherit" and "inherits" in fields:
        return d if value in d.inherits else _replace(d, inherits=(*d.inherits, value))
    if attr == "drop_inherit" and "inherits" in fields:
        return _replace(d, inherits=tuple(x for x in d.inherits if x != value))
    if attr == "identity" and "identity" in fields:
        return _replace(d, identity=value, not_null=True if value else d.not_null)
    if attr in fields:
        return _replace(d, **{attr: value})
    return d


def fold(effects: Iterable[Effect], *, keep: list[object] | None = None) -> Schema:
    """The final schema after applying ``effects`` in order.

    ``keep``: when a list, the finished folder is appended to it, so that its working indexes (children,
    dependents, overloads, ...) are freed with the list rather than when this returns: on large
    directories freeing them takes ~10 ms that the caller may have better things to do with."""
    folder = _Folder()
    folder.run(effects)
    schema = folder.schema()
    if keep is not None:
        keep.append(folder)
    return schema
