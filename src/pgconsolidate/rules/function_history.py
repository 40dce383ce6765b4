"""Every definition of every function, replayed in applied order from the object model (pure helper).

The model's fold keeps each function's final detail and its timeline. Some rules need more: for each
``CREATE [OR REPLACE] FUNCTION``, the definition that was in force just before it (to compare bodies,
attributes and result types), and, when a new signature appears, the overloads of the same name that
existed at that moment. PostgreSQL refuses a ``CREATE OR REPLACE`` that changes the result type
(``42P13``) and a plain ``CREATE`` of an existing function (``42723``); such a definition is reported
here with the one in force and does not replace it (the model itself applies the replacement: it
describes what the files say, the rules describe what a server would do).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

from pgconsolidate.model.types import Action, Change, Effect, FunctionDef, ObjectKind, ObjectState, Schema
from pgconsolidate.rules.finding import Location
from pgconsolidate.rules.model_view import loc

_ROUTINES = (ObjectKind.FUNCTION, ObjectKind.PROCEDURE)
_WS = re.compile(r"\s+")


def normalize_body(body: str) -> str:
    """A function body with comments dropped and whitespace collapsed, for comparisons."""
    body = re.sub(r"--[^\n]*", " ", body)
    body = re.sub(r"/\*.*?\*/", " ", body, flags=re.S)
    return _WS.sub(" ", body).strip().rstrip(";").strip().lower()


def result_type(d: FunctionDef) -> str:
    """The result as PostgreSQL compares it on replace: ``setof t``, ``TABLE(a integer)``, ``record(a
    integer, b text)`` for OUT parameters, ``void``."""
    base = d.returns
    if base[:6].upper() == "SETOF ":
        base = "setof " + base[6:]
    outs = [a for a in d.args if a.mode in ("out", "inout")]
    if outs and base.lower() in ("record", "setof record"):
        base += "(" + ", ".join(f"{a.name or ''} {a.type.signature}".strip() for a in outs) + ")"
    return base


@dataclass(frozen=True)
class Definition:
    """One definition of a function: its identity, detail (with later ALTERs folded in), and where."""

    id: str
    detail: FunctionDef
    location: Location
    replace: bool

    @property
    def name(self) -> str:
        """``schema.name`` without arguments."""
        return self.id.split("(", 1)[0]

    @property
    def required(self) -> int:
        """Number of leading input arguments without a default."""
        n = 0
        for a in self.detail.args:
            if not a.in_signature:
                continue
            if a.default is not None:
                break
            n += 1
        return n


@dataclass(frozen=True)
class FunctionHistory:
    """``redefinitions``: each CREATE of a function that is in force at that moment, with the definition
    in force (a first definition, with nothing in force, is not listed).
    ``overloads_at_create``: each new signature with the other overloads of its name existing then.
    ``live``: the identities of the functions in force at the end (refused definitions not applied)."""

    redefinitions: tuple[tuple[Definition, Definition], ...]
    overloads_at_create: tuple[tuple[Definition, tuple[Definition, ...]], ...]
    live: frozenset[str]


#: The fields of a :class:`FunctionDef`, in constructor order (for :func:`_with`).
_FIELDS = tuple(f.name for f in dataclasses.fields(FunctionDef))
_FIELD_INDEX = {name: i for i, name in enumerate(_FIELDS)}
_VALUES = attrgetter(*_FIELDS)
#: Every field is a positional constructor argument (else :func:`_with` uses ``dataclasses.replace``).
_POSITIONAL = all(f.init and not f.kw_only for f in dataclasses.fields(FunctionDef))


def _with(d: FunctionDef, attr: str, value: Any) -> FunctionDef:
    """``dataclasses.replace(d, **{attr: value})``, without its generic machinery (ALTERs are many)."""
    if not _POSITIONAL:
        return dataclasses.replace(d, **{attr: value})
    values = list(_VALUES(d))
    values[_FIELD_INDEX[attr]] = value
    return FunctionDef(*values)


def _altered(d: FunctionDef, change: Change) -> FunctionDef:
    attr, value = change.attribute, change.value
    if attr == "add_config" and isinstance(value, tuple) and len(value) == 2:
        key, val = value
        return _with(d, "config", (*((k, v) for k, v in d.config if k != key), (key, val)))
    if attr == "reset_config":
        cfg = () if value in (None, "all") else tuple(kv for kv in d.config if kv[0] != value)
        return _with(d, "config", cfg)
    if attr in ("security_definer", "volatility", "strict", "leakproof", "parallel", "owner"):
        return _with(d, attr, value)
    return d


#: The definition in force for one identity during the replay: (identity, the CREATE it comes from,
#: whether that CREATE replaces, the ALTERs since). A plain tuple, turned into a :class:`Definition`
#: (:func:`_definition`) only when a rule will look at it: most functions are defined once, and their
#: definitions are never compared.
_InForce = tuple[str, Effect, bool, tuple[Change, ...]]


def _definition(entry: _InForce) -> Definition:
    """The :class:`Definition` of an entry in force: its CREATE's detail with the ALTERs since."""
    oid, effect, replace, changes = entry
    detail = effect.detail
    for change in changes:
        detail = _altered(detail, change)
    return Definition(oid, detail, loc(effect), replace)


def _routine_events(
    routines: Iterable[ObjectState], order: Mapping[str, int]
) -> list[tuple[int, int, str, Effect]]:
    """(file position, statement index, target identity, effect) of every event of ``routines`` that
    the replay looks at (not grants, revokes, comments), each once, sorted by position (stable)."""
    seen: set[tuple[int, int, Action, str]] = set()
    out: list[tuple[int, int, str, Effect]] = []
    skip = _NOT_REPLAYED
    missing = len(order)
    get = order.get
    for state in routines:
        sid = state.id
        for e in state.events:
            action = e.action
            if action in skip:
                continue
            eid = e.id
            target = sid if eid.endswith("(*)") else eid
            ref = e.ref
            fi, si = get(ref.file, missing), ref.statement_index
            key = (fi, si, action, target)
            if key in seen:
                continue
            seen.add(key)
            out.append((fi, si, target, e))
    out.sort(key=_POSITION)
    return out


_NOT_REPLAYED = frozenset({Action.GRANT, Action.REVOKE, Action.COMMENT})
_POSITION = itemgetter(0, 1)


def _settled(
    routines: Sequence[ObjectState], order: Mapping[str, int]
) -> tuple[list[str], list[ObjectState]]:
    """The routines whose history needs no replay, and the others: (the identities of the first that
    are in force at the end, the others in the given order).

    A routine needs none when nothing in the replay can make it meet another: every event it has (but
    grants, revokes and comments) is about itself (its identity, or its name without arguments), it is
    never renamed, it is created at most once, and no other routine (nor an event of one, nor a rename
    into it) bears its name (``schema.name``, arguments left out). The replay would then give it no
    redefinition and no overloads, and it is in force at the end when it was created (a
    :class:`FunctionDef`) and not dropped after that. Most routines are such (all 30,000 of the
    10,000-file benchmark directory: the history then costs 55 ms instead of 105)."""
    alone: dict[str, tuple[int, Effect | None, list[Effect] | None]] = {}  # name → the only such
    # routine of that name so far: its position, CREATE and DROPs
    replayed = [False] * len(routines)
    taken: set[str] = set()  # names borne by a routine that is replayed (or by two of the others)
    create, create_or_replace = Action.CREATE, Action.CREATE_OR_REPLACE
    drop, rename = Action.DROP, Action.RENAME
    grant, revoke, comment = Action.GRANT, Action.REVOKE, Action.COMMENT  # not replayed
    for i, state in enumerate(routines):
        sid = state.id
        made: Effect | None = None
        drops: list[Effect] | None = None
        own = True
        for e in state.events:
            action = e.action
            if action is grant or action is revoke or action is comment:
                continue
            eid = e.id
            if action is rename or (eid != sid and not eid.endswith("(*)")):
                own = False
                break
            if action is create or action is create_or_replace:
                if made is not None:
                    own = False
                    break
                made = e
            elif action is drop:
                if drops is None:
                    drops = [e]
                else:
                    drops.append(e)
        name = sid.partition("(")[0]
        if own:
            if name not in alone and name not in taken:
                alone[name] = (i, made, drops)
                continue
            # a second routine of that name: both are replayed
            taken.add(name)
            first = alone.pop(name, None)
            if first is not None:
                replayed[first[0]] = True
            replayed[i] = True
            continue
        replayed[i] = True
        # every name the replay may meet for this routine: its own, its events' and its renames'
        taken.add(name)
        for e in state.events:
            action = e.action
            if action is not grant and action is not revoke and action is not comment:
                taken.add(e.id.partition("(")[0])
                if e.new_id:
                    taken.add(e.new_id.partition("(")[0])
    live: list[str] = []
    missing = len(order)
    for name, (i, made, drops) in alone.items():
        if name in taken:
            replayed[i] = True
            continue
        if made is None or not isinstance(made.detail, FunctionDef):
            continue
        if drops is not None:
            at = (order.get(made.ref.file, missing), made.ref.statement_index)
            after = [(order.get(d.ref.file, missing), d.ref.statement_index) for d in drops]
            if at in after:  # dropped by the statement that creates it: left to the replay
                replayed[i] = True
                continue
            if any(a > at for a in after):
                continue
        live.append(routines[i].id)
    return live, [state for state, again in zip(routines, replayed, strict=True) if again]


def function_history(
    schema: Schema, order: Mapping[str, int], routines: Iterable[ObjectState] | None = None
) -> FunctionHistory:
    """Replay every function event of ``schema`` in applied order (``order``: file → position).
    ``routines``: the schema's functions and procedures (dropped ones too), when the caller has them at
    hand. The routines whose history meets no other one's (:func:`_settled`: most) are not replayed."""
    if routines is None:
        routines = [s for s in schema.objects.values() if s.kind in _ROUTINES]
    settled, others = _settled(routines if isinstance(routines, Sequence) else list(routines), order)
    replayed = replay(others, order)
    return dataclasses.replace(replayed, live=replayed.live.union(settled))


def replay(routines: Iterable[ObjectState], order: Mapping[str, int]) -> FunctionHistory:
    """Replay every event of ``routines`` in applied order (``order``: file → position): what
    :func:`function_history` does with the routines :func:`_settled` leaves to it (given all of them,
    the same history)."""
    current: dict[str, _InForce] = {}
    by_name: dict[str, set[str]] = {}  # schema.name → identities ever defined (filtered by ``current``)
    redefinitions: list[tuple[Definition, Definition]] = []
    overloads: list[tuple[Definition, tuple[Definition, ...]]] = []
    create, create_or_replace = Action.CREATE, Action.CREATE_OR_REPLACE
    alter, drop, rename = Action.ALTER, Action.DROP, Action.RENAME
    for _fi, _si, target, e in _routine_events(routines, order):
        action = e.action
        if action is create or action is create_or_replace:
            if not isinstance(e.detail, FunctionDef):
                continue
            replace = e.or_replace or action is create_or_replace
            new: _InForce = (target, e, replace, ())
            old = current.get(target)
            if old is not None:
                old_definition = _definition(old)
                redefinitions.append((_definition(new), old_definition))
                if not replace or result_type(old_definition.detail) != result_type(e.detail):
                    continue  # refused by PostgreSQL: the old definition stays in force
            current[target] = new
            name = target.split("(", 1)[0]
            same_name = by_name.get(name)
            if same_name is None:
                by_name[name] = {target}
                continue
            same_name.add(target)
            if old is None and len(same_name) > 1:
                others = tuple(
                    _definition(current[i]) for i in sorted(same_name) if i != target and i in current
                )
                if others:
                    overloads.append((_definition(new), others))
        elif action is alter and isinstance(e.detail, Change):
            live = current.get(target)
            if live is not None:
                current[target] = (live[0], live[1], live[2], (*live[3], e.detail))
        elif action is drop:
            current.pop(target, None)
        elif action is rename and e.new_id and target in current:
            _, effect, replace, changes = current.pop(target)
            current[e.new_id] = (e.new_id, effect, replace, changes)
            by_name.setdefault(e.new_id.split("(", 1)[0], set()).add(e.new_id)
    return FunctionHistory(tuple(redefinitions), tuple(overloads), frozenset(current))
