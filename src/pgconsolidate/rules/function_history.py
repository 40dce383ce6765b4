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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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
    """``definitions``: each CREATE with the definition in force before it (None when new).
    ``overloads_at_create``: each new signature with the other overloads of its name existing then.
    ``final``: the definition in force at the end, by identity (refused definitions not applied)."""

    definitions: tuple[tuple[Definition, Definition | None], ...]
    overloads_at_create: tuple[tuple[Definition, tuple[Definition, ...]], ...]
    final: Mapping[str, Definition]


def _altered(d: FunctionDef, change: Change) -> FunctionDef:
    attr, value = change.attribute, change.value
    if attr == "add_config" and isinstance(value, tuple) and len(value) == 2:
        key, val = value
        return dataclasses.replace(d, config=(*((k, v) for k, v in d.config if k != key), (key, val)))
    if attr == "reset_config":
        cfg = () if value in (None, "all") else tuple(kv for kv in d.config if kv[0] != value)
        return dataclasses.replace(d, config=cfg)
    if attr in ("security_definer", "volatility", "strict", "leakproof", "parallel", "owner"):
        return dataclasses.replace(d, **{attr: value})
    return d


def function_history(
    schema: Schema, order: Mapping[str, int], routines: Iterable[ObjectState] | None = None
) -> FunctionHistory:
    """Replay every function event of ``schema`` in applied order (``order``: file → position).
    ``routines``: the schema's functions and procedures (dropped ones too) in the schema's order, when
    the caller has them at hand."""
    if routines is None:
        routines = [s for s in schema.objects.values() if s.kind in _ROUTINES]
    events: dict[tuple[int, int, Action, str], tuple[str, Effect]] = {}
    skip = (Action.GRANT, Action.REVOKE, Action.COMMENT)
    missing = len(order)
    for state in routines:
        sid = state.id
        for e in state.events:
            if e.action in skip:
                continue
            target = sid if e.id.endswith("(*)") else e.id
            ref = e.ref
            events.setdefault(
                (order.get(ref.file, missing), ref.statement_index, e.action, target), (target, e)
            )
    current: dict[str, Definition] = {}
    by_name: dict[str, set[str]] = {}  # schema.name → identities ever defined (filtered by ``current``)
    definitions: list[tuple[Definition, Definition | None]] = []
    overloads: list[tuple[Definition, tuple[Definition, ...]]] = []
    create, create_or_replace = Action.CREATE, Action.CREATE_OR_REPLACE
    for _key, (target, e) in sorted(events.items(), key=lambda kv: kv[0][:2]):
        action = e.action
        if action in (create, create_or_replace) and isinstance(e.detail, FunctionDef):
            replace = e.or_replace or action == create_or_replace
            new = Definition(target, e.detail, loc(e), replace)
            old = current.get(target)
            definitions.append((new, old))
            if old is not None and (not replace or result_type(old.detail) != result_type(new.detail)):
                continue  # refused by PostgreSQL: the old definition stays in force
            current[target] = new
            name = target.split("(", 1)[0]  # new.name
            same_name = by_name.get(name)
            if same_name is None:
                same_name = by_name[name] = set()
            same_name.add(target)
            if old is None and len(same_name) > 1:
                others = tuple(current[i] for i in sorted(same_name) if i != target and i in current)
                if others:
                    overloads.append((new, others))
        elif action == Action.ALTER and isinstance(e.detail, Change) and target in current:
            d = current[target]
            altered = _altered(d.detail, e.detail)
            if altered is not d.detail:
                current[target] = Definition(d.id, altered, d.location, d.replace)
        elif e.action == Action.DROP:
            current.pop(target, None)
        elif e.action == Action.RENAME and e.new_id and target in current:
            d = dataclasses.replace(current.pop(target), id=e.new_id)
            current[e.new_id] = d
            by_name.setdefault(d.name, set()).add(e.new_id)
    return FunctionHistory(tuple(definitions), tuple(overloads), current)
