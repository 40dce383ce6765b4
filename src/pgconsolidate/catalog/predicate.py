"""Spell a partial index's predicate exactly as ``pg_get_expr(indpred, indrelid)`` does, without asking the
server (pure).

``pg_get_expr`` with a relation opens that relation to name its columns: in a fresh session a relation
cache entry per table, most of what reading the indexes of a large schema cost. Most predicates are
made of columns, ``IS [NOT] NULL``, ``IS [NOT] TRUE / FALSE / UNKNOWN`` and ``AND`` / ``OR`` / ``NOT``
(``WHERE deleted_at IS NULL``, ``WHERE active``, ``WHERE NOT archived``): for those the text follows from
the stored node tree (``indpred``, the text outfuncs.c writes) and the columns' quoted names, since
ruleutils.c, which does not pretty-print here, wraps each of these expressions in parentheses and prints
a column of the one relation by its name alone. :func:`spell_predicate` returns None for a tree holding
any other node (constants, operators, functions, ...): the reader asks the server for those.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

_TOKEN = re.compile(r"[{}()]|[^\s{}()]+")

# The nodes spelled here (any other makes the predicate the server's).
_NODES = frozenset({"VAR", "NULLTEST", "BOOLEANTEST", "BOOLEXPR"})

_NULL_TESTS = {"0": " IS NULL", "1": " IS NOT NULL"}
_BOOLEAN_TESTS = {
    "0": " IS TRUE",
    "1": " IS NOT TRUE",
    "2": " IS FALSE",
    "3": " IS NOT FALSE",
    "4": " IS UNKNOWN",
    "5": " IS NOT UNKNOWN",
}
_BOOL_OPS = {"and": " AND ", "or": " OR "}

Node = tuple[str, dict[str, Any]]


class _Unknown(Exception):
    """A node or field this module does not model."""


def _parse(text: str) -> Node:
    """The node tree of an outfuncs.c text, for the nodes in ``_NODES`` (raises :class:`_Unknown`)."""
    if "\\" in text or '"' in text:
        raise _Unknown  # escaped or quoted tokens: never in these nodes
    tokens = _TOKEN.findall(text)
    pos = 0

    def value() -> Any:
        nonlocal pos
        token = tokens[pos]
        pos += 1
        if token == "{":
            return node()
        if token == "(":
            items = []
            while tokens[pos] != ")":
                items.append(value())
            pos += 1
            return items
        if token in ("}", ")"):
            raise _Unknown
        return token

    def node() -> Node:
        nonlocal pos
        name = tokens[pos]
        pos += 1
        if name not in _NODES:
            raise _Unknown
        fields: dict[str, Any] = {}
        while tokens[pos] != "}":
            field = tokens[pos]
            pos += 1
            if not field.startswith(":"):
                raise _Unknown
            fields[field[1:]] = value()
        pos += 1
        return name, fields

    try:
        if not tokens or tokens[0] != "{":
            raise _Unknown
        pos = 1
        tree = node()
    except IndexError:
        raise _Unknown from None
    if pos != len(tokens):
        raise _Unknown
    return tree


def _text(tree: Node, column: Callable[[int], str]) -> str:
    if not isinstance(tree, tuple):
        raise _Unknown  # a bare token where a node belongs
    name, fields = tree
    if name == "VAR":
        if fields.get("varno") != "1" or fields.get("varlevelsup") != "0":
            raise _Unknown
        attnum = int(fields["varattno"])
        if attnum <= 0:
            raise _Unknown  # a whole-row or system column
        return column(attnum)
    if name == "NULLTEST":
        if fields.get("argisrow") != "false" or fields.get("nulltesttype") not in _NULL_TESTS:
            raise _Unknown
        return f"({_text(fields['arg'], column)}{_NULL_TESTS[fields['nulltesttype']]})"
    if name == "BOOLEANTEST":
        if fields.get("booltesttype") not in _BOOLEAN_TESTS:
            raise _Unknown
        return f"({_text(fields['arg'], column)}{_BOOLEAN_TESTS[fields['booltesttype']]})"
    # BOOLEXPR
    args = fields.get("args")
    op = fields.get("boolop")
    if not isinstance(args, list) or not args:
        raise _Unknown
    if op == "not" and len(args) == 1:
        return f"(NOT {_text(args[0], column)})"
    if op in _BOOL_OPS and len(args) >= 2:
        return "(" + _BOOL_OPS[op].join(_text(arg, column) for arg in args) + ")"
    raise _Unknown


@lru_cache(maxsize=1024)
def _template(text: str) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
    """The predicate's text around its columns, and their attnums (None: not spelled here); identical
    predicates (the same columns of tables made alike) share one parse."""
    attnums: list[int] = []

    def column(attnum: int) -> str:
        attnums.append(attnum)
        return "\0"  # never in the text around: the names are filled in per table

    try:
        return tuple(_text(_parse(text), column).split("\0")), tuple(attnums)
    except (_Unknown, KeyError, ValueError, TypeError, AttributeError):
        return None


def spell_predicate(tree_text: str, columns: Mapping[int, tuple[str, int, int]]) -> str | None:
    """``pg_get_expr(indpred, indrelid)`` of the node tree ``tree_text``; ``columns`` maps the table's
    attnums to their quoted names first (the reader's key columns). None when it cannot be spelled here."""
    template = _template(tree_text)
    if template is None:
        return None
    parts, attnums = template
    text = parts[0]
    for attnum, part in zip(attnums, parts[1:], strict=True):
        column = columns.get(attnum)
        if column is None:
            return None
        text += column[0] + part
    return text
