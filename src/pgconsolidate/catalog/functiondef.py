"""Spell a function's identity, arguments and result exactly as the server does, without asking it (pure).

``pg_get_function_arguments`` and ``pg_get_function_result`` look the function up in the catalog cache
once more (in a fresh session a cache miss per function: most of what reading 2,000 functions cost),
and ``oidvectortypes`` / ``format_type`` print every argument type again. The functions query returns
the raw columns instead (``proargtypes``, ``proallargtypes``, ``proargmodes``, ``proargnames``,
``prorettype``, ``proretset`` and, for one simple default, ``pg_get_expr(proargdefaults, 0)``), the
reader asks the server once for the names of the distinct types (``format_type(oid, NULL)``, the text
all three functions print) and argument names (``quote_ident``), and :func:`spell` puts them together
the way ruleutils.c's ``print_function_arguments`` and ``print_function_rettype`` do.

Aggregates (an ordered-set aggregate prints ``ORDER BY``), procedures (``IN`` is printed from
PostgreSQL 14 on) and functions with defaults the query could not deparse alone are left to the
server: their ``arguments`` come from the query already. tests/catalog/test_spellings.py proves the
texts equal the server's on PostgreSQL 16 and 18.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple


class RawSignature(NamedTuple):
    """The catalog columns a function's texts are made of (hashable: functions share them)."""

    argtypes: tuple[int, ...]  # proargtypes (input arguments)
    allargtypes: tuple[int, ...] | None  # proallargtypes (NULL unless there are OUT / TABLE arguments)
    modes: str | None  # proargmodes as one letter per argument: i, o, b (INOUT), v (VARIADIC), t (TABLE)
    names: tuple[str, ...] | None  # proargnames ('' for an unnamed argument)
    rettype: int
    retset: bool
    default: str | None  # the one argument default, deparsed (pg_get_expr(proargdefaults, 0))


class Spelled(NamedTuple):
    identity_args: str  # "integer, text": input types (IN, INOUT, VARIADIC) without names or typmods
    arguments: str  # pg_get_function_arguments
    result: str  # pg_get_function_result (for a function that is not a procedure)


_INPUT_MODES = frozenset("ibv")

# Expression nodes that ruleutils.c prints the same whether pretty-printing indents (pg_get_expr) or
# not (pg_get_function_arguments): a default whose node tree opens any other node ("{CASE ...") is left
# to the server.
_OTHER_NODE = re.compile(
    r"\{(?!(?:CONST|FUNCEXPR|OPEXPR|RELABELTYPE|COERCEVIAIO|COERCETODOMAIN|ARRAYEXPR|NULLTEST|BOOLEXPR) )"
)


@lru_cache(maxsize=1024)
def plain_default(tree: str) -> bool:
    """Whether ``pg_get_expr`` of this default's node tree (a one-element List) prints what
    ``pg_get_function_arguments`` prints after ``DEFAULT``."""
    return tree.startswith("({") and tree.endswith("})") and _OTHER_NODE.search(tree) is None


_MODE_WORDS = {"i": "", "b": "INOUT ", "o": "OUT ", "v": "VARIADIC ", "t": ""}


@lru_cache(maxsize=4096)
def oidvector(text: str) -> tuple[int, ...]:
    """An ``oidvector``'s text (``23 25``) as oids."""
    return tuple(int(oid) for oid in text.split())


@lru_cache(maxsize=4096)
def oid_array(text: str) -> tuple[int, ...]:
    """An ``oid[]``'s text (``{23,25}``) as oids (raises ValueError for anything else)."""
    if not (text.startswith("{") and text.endswith("}")):
        raise ValueError(text)
    inner = text[1:-1]
    return tuple(int(oid) for oid in inner.split(",")) if inner else ()


@lru_cache(maxsize=4096)
def text_array(text: str) -> tuple[str, ...]:
    """A one-dimensional ``text[]``'s text as array_out writes it (elements that are empty or hold
    braces, commas, quotes, backslashes or white space double-quoted, with ``\\`` before ``"`` and ``\\``;
    no NULL elements) as strings; raises ValueError for anything else."""
    if not (text.startswith("{") and text.endswith("}")):
        raise ValueError(text)
    try:
        return _text_items(text)
    except IndexError:
        raise ValueError(text) from None


def _text_items(text: str) -> tuple[str, ...]:
    end = len(text) - 1
    items: list[str] = []
    i = 1
    if end == 1:
        return ()
    while True:
        if text[i] == '"':
            i += 1
            chars: list[str] = []
            while text[i] != '"':
                if text[i] == "\\":
                    i += 1
                chars.append(text[i])
                i += 1
            i += 1
            items.append("".join(chars))
        else:
            comma = text.find(",", i)
            stop = end if comma < 0 else comma
            item = text[i:stop]
            if not item or item.upper() == "NULL" or any(c in item for c in '{}"\\'):
                raise ValueError(text)
            items.append(item)
            i = stop
        if i == end:
            return tuple(items)
        if text[i] != ",":
            raise ValueError(text)
        i += 1


def spell(
    raw: RawSignature, procedure: bool, type_names: Mapping[int, str], quoted: Mapping[str, str]
) -> Spelled:
    """The texts of one function; ``type_names`` maps every type oid of ``raw`` to
    ``format_type(oid, NULL)`` and ``quoted`` every non-empty argument name to ``quote_ident(name)``.
    Raises KeyError when a name is missing (the caller asks the server instead)."""
    types: Sequence[int] = raw.allargtypes if raw.allargtypes is not None else raw.argtypes
    modes = raw.modes
    if modes is not None and len(modes) != len(types):
        raise KeyError("proargmodes")
    names = raw.names
    if names is not None and len(names) != len(types):
        raise KeyError("proargnames")
    # the input arguments lacking a default: all but the last one when there is one default
    lacking = len(raw.argtypes) - (0 if raw.default is None else 1)
    arguments: list[str] = []
    table: list[str] = []
    identity: list[str] = []
    inputs = 0
    for i, oid in enumerate(types):
        mode = "i" if modes is None else modes[i]
        word = _MODE_WORDS.get(mode)
        if word is None:
            raise KeyError(mode)
        name = names[i] if names is not None else ""
        text = f"{quoted[name]} {type_names[oid]}" if name else type_names[oid]
        if mode == "t":
            table.append(text)
            continue
        if mode in _INPUT_MODES:
            inputs += 1
            identity.append(type_names[oid])
            if inputs > lacking:
                text += f" DEFAULT {raw.default}"
        arguments.append(word + text)
    if raw.retset and table:
        result = f"TABLE({', '.join(table)})"
    else:
        result = ("SETOF " if raw.retset else "") + type_names[raw.rettype]
    if not procedure:  # proargtypes, what oidvectortypes prints (a procedure's also holds OUT arguments)
        identity = [type_names[oid] for oid in raw.argtypes]
    return Spelled(", ".join(identity), ", ".join(arguments), result)
