"""Spell a default expression exactly as ``pg_get_expr(tree, 0)`` does, without asking the server (pure).

``pg_get_expr`` reads the stored node tree back (``stringToNode``: most of its cost) and deparses it,
about 12,000 server instructions per default. Most defaults are a handful of shapes whose text follows
from the tree alone: a constant of ``text``, ``character varying``, ``bpchar``, ``integer`` or
``boolean`` (``'x'::text``, ``0``, ``'-5'::integer``, ``false``), a call without arguments of a
built-in function (``now()``, ``gen_random_uuid()``), ``timezone('utc'::text, now())``,
``CURRENT_TIMESTAMP`` / ``CURRENT_DATE``, and implicit casts of these (a ``varchar(100)`` column's
length coercion, ``bigint DEFAULT 0``), which ruleutils.c does not print. :func:`spell_default` returns
None for any other node, value or attribute (an ``int8`` or ``numeric`` constant, a string with a
backslash or a byte outside ASCII, a collation, a typmod, a function the map below does not name):
the reader asks the server for those. tests/catalog/test_s8_server_defaults.py proves the texts equal
the server's on PostgreSQL 16 and 18.

The tree is the text outfuncs.c writes (``{CONST :consttype 25 ... :constvalue 5 [ 20 0 0 0 120 ]}``); a
constant's bytes are the datum as stored, checked here against the layout of a little-endian server (a
value that does not fit it, as on a big-endian one, is left to the server).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Built-in functions by their fixed oids (the same on every PostgreSQL release that has them): the name
# pg_get_expr prints for a call (pg_catalog is first in the reader's search path, so never qualified).
_FUNCTIONS = {
    274: "timeofday",
    1159: "timezone",  # timezone(text, timestamp with time zone)
    1299: "now",
    1598: "random",
    2069: "timezone",  # timezone(text, timestamp without time zone)
    2647: "transaction_timestamp",
    2648: "statement_timestamp",
    2649: "clock_timestamp",
    3432: "gen_random_uuid",
}

# SQLValueFunction operations printed without a typmod (primnodes.h SVFOp).
_SQL_VALUES = {0: "CURRENT_DATE", 3: "CURRENT_TIMESTAMP", 7: "LOCALTIMESTAMP"}

# Text types (collation 100, the default, as their typcollation) and their label without typmod.
_TEXT_TYPES = {25: "text", 1043: "character varying", 1042: "bpchar"}
_INT4, _BOOL = 23, 16
_DEFAULT_COLLATION = 100

_CONST = re.compile(
    r"\{CONST :consttype (\d+) :consttypmod (-?\d+) :constcollid (\d+) :constlen -?\d+ :constbyval \w+ "
    r":constisnull false :location -?\d+ :constvalue (\d+) \[ ((?:-?\d+ )*)\]\}"
)
_FUNC = re.compile(
    r"\{FUNCEXPR :funcid (\d+) :funcresulttype \d+ :funcretset false :funcvariadic false :funcformat (\d) "
    r":funccollid \d+ :inputcollid \d+ :args "
)
_LOCATION_END = re.compile(r" :location -?\d+\}")
_RELABEL = re.compile(r"\{RELABELTYPE :arg ")
_RELABEL_END = re.compile(
    r" :resulttype \d+ :resulttypmod -?\d+ :resultcollid \d+ :relabelformat (\d) :location -?\d+\}"
)
_SQL_VALUE = re.compile(r"\{SQLVALUEFUNCTION :op (\d+) :type \d+ :typmod -1 :location -?\d+\}")

_EXPLICIT_CALL, _IMPLICIT_CAST = "0", "2"


class _Unknown(Exception):
    """A node, a value or an attribute not spelled here."""


def _const(match: re.Match[str]) -> str:
    """get_const_expr(..., showtype 0) of a constant (ruleutils.c)."""
    consttype, typmod, collation, length = (int(match.group(i)) for i in range(1, 5))
    data = [int(b) & 0xFF for b in match.group(5).split()]
    if typmod != -1:
        raise _Unknown
    if consttype in _TEXT_TYPES:
        # the bytes of the value: a 4-byte varlena header (little-endian: the size shifted left twice),
        # then the text
        if collation != _DEFAULT_COLLATION or len(data) != length or length < 4:
            raise _Unknown
        if data[0] | data[1] << 8 | data[2] << 16 | data[3] << 24 != length << 2:
            raise _Unknown
        text = bytes(data[4:])
        if any(b >= 0x80 or b < 0x20 for b in text) or b"\\" in text:
            raise _Unknown  # backslashes depend on standard_conforming_strings; other bytes on encodings
        quoted = text.decode("ascii").replace("'", "''")
        return f"'{quoted}'::{_TEXT_TYPES[consttype]}"
    # a value passed by value is written as the whole Datum (8 bytes, little-endian, sign-extended)
    if collation != 0 or len(data) != 8:
        raise _Unknown
    if consttype == _INT4 and length == 4:
        value = int.from_bytes(bytes(data[:4]), "little", signed=True)
        if data[4:] != ([0xFF] * 4 if value < 0 else [0] * 4):
            raise _Unknown
        return str(value) if value >= 0 else f"'{value}'::integer"
    if consttype == _BOOL and length == 1 and data[0] <= 1 and data[1:] == [0] * 7:
        return "true" if data[0] else "false"
    raise _Unknown


def _expression(tree: str, pos: int) -> tuple[str, int]:
    """The text of the node starting at ``pos`` and the position after it (raises :class:`_Unknown`)."""
    match = _CONST.match(tree, pos)
    if match:
        return _const(match), match.end()
    match = _FUNC.match(tree, pos)
    if match:
        funcid, form = int(match.group(1)), match.group(2)
        pos = match.end()
        args: list[str] = []
        if tree.startswith("<>", pos):
            pos += 2
        elif tree.startswith("(", pos):
            pos += 1
            while True:
                text, pos = _expression(tree, pos)
                args.append(text)
                if tree.startswith(")", pos):
                    pos += 1
                    break
                if not tree.startswith(" ", pos):
                    raise _Unknown
                pos += 1
        else:
            raise _Unknown
        end = _LOCATION_END.match(tree, pos)
        if end is None:
            raise _Unknown
        if form == _IMPLICIT_CAST and args:
            return args[0], end.end()  # ruleutils.c prints an implicit cast's argument alone
        if form == _EXPLICIT_CALL and funcid in _FUNCTIONS:
            return f"{_FUNCTIONS[funcid]}({', '.join(args)})", end.end()
        raise _Unknown
    match = _RELABEL.match(tree, pos)
    if match:
        text, pos = _expression(tree, match.end())
        end = _RELABEL_END.match(tree, pos)
        if end is None or end.group(1) != _IMPLICIT_CAST:
            raise _Unknown
        return text, end.end()
    match = _SQL_VALUE.match(tree, pos)
    if match and int(match.group(1)) in _SQL_VALUES:
        return _SQL_VALUES[int(match.group(1))], match.end()
    raise _Unknown


@lru_cache(maxsize=4096)
def spell_default(tree: str) -> str | None:
    """``pg_get_expr(tree, 0)`` of a stored expression (a column's ``adbin``, or a function's one-element
    ``proargdefaults`` list), or None when it is not spelled here."""
    listed = tree.startswith("(") and tree.endswith(")")
    start, stop = (1, len(tree) - 1) if listed else (0, len(tree))
    try:
        text, pos = _expression(tree, start)
    except (_Unknown, ValueError):
        return None
    return text if pos == stop else None
