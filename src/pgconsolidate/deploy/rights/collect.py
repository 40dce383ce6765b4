"""The needs of the units an apply runs, in order (pure): each statement's (:mod:`.derive`) given what the
steps before it did, and the history table's before each unit's steps.

Anything uncertain is left to the apply's own error: a step that does not parse, a unit that changes
its role (``SET ROLE``, ``SET SESSION AUTHORIZATION``, ``GRANT role``, or a statement whose text sets the
role), an object a previous step created, dropped, renamed or moved, unqualified names once the search
path may have changed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from pglast.parser import ParseError, parse_sql_json

from pgconsolidate.deploy.rights.data import RULES as DATA_RULES
from pgconsolidate.deploy.rights.derive import gone_names, statement_needs, touched_names, touched_pairs
from pgconsolidate.deploy.rights.model import History, Need
from pgconsolidate.deploy.rights.names import quote
from pgconsolidate.deploy.rights.plpgsql import do_statements
from pgconsolidate.deploy.rights.scope import Scope
from pgconsolidate.deploy.units import DATA_KINDS, SqlStep, Unit

_LITERAL = re.compile(r"'((?:[^']|'')*)'")
_WORD = re.compile(r"[^\s.,()\"']+")
_SETS_ROLE = re.compile(
    r"\bset\s+(?:local\s+|session\s+)?(?:role|session\s+authorization)\b|\bset_config\s*\(\s*'role'",
    re.IGNORECASE,
)


def _sets_role(low: str) -> bool:
    """Whether a statement's lower-cased text sets the role (inside a DO block or a set_config call)."""
    return ("role" in low or "authorization" in low) and _SETS_ROLE.search(low) is not None


def _changes_role(node: dict[str, Any] | None, low: str) -> bool:
    kind, body = next(iter(node.items())) if node else ("", None)
    if kind == "GrantRoleStmt":
        return True
    if kind == "VariableSetStmt" and isinstance(body, dict):
        return str(body.get("name", "")).lower() in ("role", "session_authorization")
    return _sets_role(low)


def _changes_search_path(node: dict[str, Any] | None, low: str) -> bool:
    """Whether a statement may change the session's search_path: ``SET``/``RESET search_path``, ``RESET
    ALL``, ``DISCARD``; a statement whose tree is not kept (a ``set_config`` call, a DO block) when its
    text names search_path. (A function's own ``SET search_path`` clause, ``ALTER ROLE ... SET``, do not
    change this session's.)"""
    kind, body = next(iter(node.items())) if node else ("", None)
    if kind == "VariableSetStmt" and isinstance(body, dict):
        return body.get("name") == "search_path" or body.get("kind") == "VAR_RESET_ALL"
    if kind == "DiscardStmt":
        return True
    return (not node or kind in DATA_KINDS) and "search_path" in low


def _history_needs(unit: Unit, history: History, role_changed: bool) -> list[Need]:
    records = unit.record_history or not unit.transactional
    if not (records or history.ensured_always):
        return []
    first = unit.steps[0] if unit.steps else None
    where = f"{first.path}:{first.line}" if first else unit.paths[0]
    table = f"{quote(history.schema)}.{quote(history.table)}"
    action = f"the history table {history.schema}.{history.table}"
    needs = [
        Need("database-create", None, where, f"CREATE SCHEMA IF NOT EXISTS for {action}"),
        Need("schema-create", history.schema, where, f"CREATE TABLE IF NOT EXISTS for {action}"),
    ]
    if records and not role_changed:
        needs.append(Need("table-insert", table, where, f"the history row in {action}"))
        if history.deletes:
            needs.append(Need("table-delete", table, where, f"the history row in {action}"))
    return needs


def _step_nodes(step: SqlStep) -> Iterator[dict[str, Any]]:
    """The parse trees of a step: the one the apply's split kept, else parsed now (ParseError)."""
    if step.node is not None:
        yield step.node
        return
    for s in json.loads(parse_sql_json(step.text)).get("stmts", []):
        yield s["stmt"]


Parsed = tuple[dict[str, Any] | None, str, str, SqlStep]


def _parsed(unit: Unit) -> list[Parsed] | None:
    """(tree or None for a statement whose tree the apply did not keep, ``path:line``, lower-cased
    text, step) of each statement of ``unit``; None when a step does not parse."""
    out: list[Parsed] = []
    try:
        for step in unit.steps:
            where, low = f"{step.path}:{step.line}", step.text.lower()
            if step.node is None and step.kind:
                out.append((None, where, low, step))  # a data statement: parsed when its needs are derived
                continue
            out.extend((node, where, low, step) for node in _step_nodes(step))
    except ParseError:
        return None
    return out


def _data_nodes(step: SqlStep, node: dict[str, Any] | None) -> list[tuple[dict[str, Any], str, bool, Any]]:
    """(tree, ``path:line``, certainly run, conditions) of a data statement whose tree the split did not
    keep (the statement itself), or of a DO block (the static statements it runs: :mod:`.plpgsql`)."""
    if step.kind == "DoStmt" or (node is not None and "DoStmt" in node):
        try:
            return [
                (inner, f"{step.path}:{line}", certain, when)
                for inner, line, certain, when in do_statements(step.text, step.line)
            ]
        except (
            KeyError,
            TypeError,
            IndexError,
            ValueError,
        ):  # a tree of a shape not foreseen: the apply decides
            return []
    if step.kind not in DATA_RULES:
        return []
    try:
        return [(node, f"{step.path}:{step.line}", True, ()) for node in _step_nodes(step)]
    except ParseError:
        return []


class _Needs:
    """The needs collected so far and the scope they were derived in."""

    def __init__(self) -> None:
        self.needs: list[Need] = []
        self.scope = Scope()

    def statement(
        self,
        node: dict[str, Any],
        where: str,
        low: str,
        certain: bool = True,
        when: Any = (),
        view: Scope | None = None,
    ) -> None:
        """Derive a statement's needs (in ``view`` when given: the scope as its own branch of an IF sees
        it) and record what it touches."""
        scope = view or self.scope
        if _changes_search_path(node, low) or "CreateSchemaStmt" in node:
            # from here on, unqualified names are left to the apply (a new schema may be the
            # role's own, first on the search path as "$user")
            self.scope.search_path_changed = scope.search_path_changed = True
        if certain and not (when and self._touched(when, scope)):
            needs = statement_needs(node, where, scope)
            self.needs.extend(replace(n, when=when) for n in needs) if when else self.needs.extend(needs)
        self.scope.touch(touched_names(node), gone_names(node), *touched_pairs(node))

    def do_block(self, inner: list[tuple[dict[str, Any], str, bool, Any]]) -> None:
        """The statements of one DO block: one in a branch of an IF does not see what the other
        branches touched (they are exclusive: their conditions are ``c`` and ``(c) IS NOT TRUE``)."""
        whens = [when for *_, when in inner]
        if not any(w and any(_exclusive(w, v) for v in whens[:i]) for i, w in enumerate(whens)):
            # no statement in a branch after another of the same IF: nothing to keep apart
            for node, where, certain, when in inner:
                self.statement(node, where, "", certain, when)
            return
        start = self.scope.copy()
        done: list[tuple[Any, dict[str, Any]]] = []
        for node, where, certain, when in inner:
            view = None
            if when and any(_exclusive(when, w) for w, _ in done):
                view = start.copy()
                view.search_path_changed = self.scope.search_path_changed
                for w, other in done:
                    if not _exclusive(when, w):
                        view.touch(touched_names(other), gone_names(other), *touched_pairs(other))
            self.statement(node, where, "", certain, when, view)
            done.append((when, node))

    @staticmethod
    def _touched(when: Any, scope: Scope) -> bool:
        """Whether a condition names (in its literals) something an earlier step created, dropped,
        renamed or moved: evaluated now it may not say what it will say when the apply reaches it."""
        for cond, regs in when:
            texts = _LITERAL.findall(cond) + [lit for _, _, lit in regs]
            if any(w in scope.touched for t in texts for w in _WORD.findall(t.replace("''", "'"))):
                return True
        return False


def _exclusive(a: Any, b: Any) -> bool:
    """Whether two statements' conditions exclude each other (one holds ``c``, the other ``(c) IS NOT
    TRUE``: two branches of one IF)."""
    negated = {(f"({c}) IS NOT TRUE", regs) for c, regs in a}
    return any(w in negated for w in b) or any((f"({c}) IS NOT TRUE", regs) in set(a) for c, regs in b)


def needs_of(units: Iterable[Unit], history: History | None = None) -> tuple[Need, ...]:
    """The rights ``units`` certainly need, in the order the apply runs them (pure): the history
    table's (when ``history`` is given) before each unit's steps.

    A unit whose steps do not all parse, or that changes its role, contributes only the history
    table's needs that come before its steps."""
    acc = _Needs()
    for unit in units:
        parsed = _parsed(unit)
        if parsed is None:
            if history is not None:
                acc.needs.extend(_history_needs(unit, history, role_changed=True))
            continue
        role_changed = any(_changes_role(node, low) for node, _, low, _ in parsed)
        if history is not None:
            acc.needs.extend(_history_needs(unit, history, role_changed))
        if role_changed:
            continue
        for node, where, low, step in parsed:
            if node is not None and "DoStmt" not in node:
                acc.statement(node, where, low)
                continue
            acc.scope.search_path_changed |= "search_path" in low
            acc.do_block(_data_nodes(step, node))
    return tuple(acc.needs)
