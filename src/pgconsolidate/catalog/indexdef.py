"""Spell a plain index's definition exactly as ``pg_get_indexdef`` does, without asking the server (pure).

``pg_get_indexdef`` opens the index's table, which in a fresh session means building a relation cache
entry per table: most of the cost of reading indexes. Most indexes are plain — key columns only, each
with its type's default operator class and collation, ascending, no storage parameters — and for those
the definition is ``<head> (<col>, ...)[ WHERE <predicate>]``, where the head (``CREATE [UNIQUE] INDEX
name ON [ONLY] schema.table USING method``) comes from the query and the predicate is
``pg_get_expr(indpred, indrelid)``, the text ``pg_get_indexdef`` appends after `` WHERE ``.

:meth:`IndexSpeller.definition` returns None for anything it cannot spell with certainty (an expression key, a
column it does not know, a non-default or domain opclass, a collation other than the column's); the
reader then asks the server. PostgreSQL prints an opclass only when it is not the one
``GetDefaultOpClass`` would pick for the column's type; :func:`default_opclass` follows that function
(an exact default wins; else the one binary-coercible default of the type's preferred category, else the
one binary-coercible default) over the operator classes and types the reader fetched, and gives up on
domains and composite types.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

# What an index definition needs of a table column, as its first three items: quote_ident(attname),
# atttypid (0 when the type is a domain: never matched) and attcollation. The reader hands over the
# columns query's ``_...`` values as they are (more items follow), so a plain tuple.
KeyColumn = tuple[Any, ...]


class Opclass(NamedTuple):
    name: str  # as an index definition qualifies it (schema only when not visible)
    method: int  # the index access method's oid
    is_default: bool
    input_type: int
    # whether an index key with this opclass may carry opclass options (which pg_get_indexdef prints):
    # such keys are left to the server (catalog/queries/opclasses.sql tells, conservatively)
    options: bool = False


class TypeInfo(NamedTuple):
    """What ``GetDefaultOpClass`` and ``IsBinaryCoercible`` look at of a type."""

    category: str
    preferred: bool
    typtype: str  # b base, e enum, r range, m multirange, p pseudo, ...
    is_array: bool
    pseudo: str | None  # the name of a pseudo-type (anyarray, anyenum, ...)
    binary_targets: frozenset[int]  # types it becomes by an implicit binary-coercible cast


class _Unknown(Exception):
    """A case this module does not model: leave the definition to the server."""


# Pseudo-types that IsBinaryCoercible accepts a type as, by the type's kind.
_ANY = frozenset({"any", "anyelement", "anycompatible"})
_ARRAYS = frozenset({"anyarray", "anycompatiblearray"})
_NON_ARRAYS = frozenset({"anynonarray", "anycompatiblenonarray"})
_RANGES = frozenset({"anyrange", "anycompatiblerange"})
_MULTIRANGES = frozenset({"anymultirange", "anycompatiblemultirange"})


def _binary_coercible(source: int, target: int, types: Mapping[int, TypeInfo]) -> bool:
    """PostgreSQL's ``IsBinaryCoercible`` for a type that is not a domain (raises :class:`_Unknown` for
    a type that was not read: composite types and arrays of them are left out of ``types``)."""
    if source == target:
        return True
    src, dst = types.get(source), types.get(target)
    if src is None or dst is None:
        raise _Unknown
    pseudo = dst.pseudo
    if pseudo is not None:
        if pseudo in _ANY:
            return True
        if pseudo in _ARRAYS and src.is_array:
            return True
        if pseudo in _NON_ARRAYS and not src.is_array:
            return True
        if pseudo == "anyenum" and src.typtype == "e":
            return True
        if pseudo in _RANGES and src.typtype == "r":
            return True
        if pseudo in _MULTIRANGES and src.typtype == "m":
            return True
        # record / record[] accept composite types and arrays of them, which are not in ``types``: a
        # source found there is neither, and goes on to pg_cast like PostgreSQL does
    return target in src.binary_targets


def default_opclass(
    type_oid: int, method: int, opclasses: Mapping[int, Opclass], types: Mapping[int, TypeInfo]
) -> int | None:
    """The operator class PostgreSQL's ``GetDefaultOpClass`` picks for a (non-domain) type and index
    method, or None when there is none; raises :class:`_Unknown` when it cannot be told here."""
    source = types.get(type_oid)
    if source is None:
        raise _Unknown
    exact = preferred = compatible = 0
    result: int | None = None
    for oid, opclass in opclasses.items():
        if opclass.method != method or not opclass.is_default:
            continue
        if opclass.input_type == type_oid:
            exact += 1
            result = oid
        elif exact == 0 and _binary_coercible(type_oid, opclass.input_type, types):
            target = types[opclass.input_type]
            if source.category == target.category and target.preferred:
                preferred += 1
                result = oid
            elif preferred == 0:
                compatible += 1
                result = oid
    if exact > 1:
        raise _Unknown  # PostgreSQL reports inconsistent pg_opclass data here
    if exact == 1 or preferred == 1 or (preferred == 0 and compatible == 1):
        return result
    return None


class IndexSpeller:
    """Spells plain index definitions over one catalog's operator classes and types (what a key column's
    type and operator class allow is decided once per pair)."""

    def __init__(self, opclasses: Mapping[int, Opclass], types: Mapping[int, TypeInfo]) -> None:
        self.opclasses = opclasses
        self.types = types
        # (type, opclass) -> whether the server would leave the opclass out (its type's default)
        self._plain: dict[tuple[int, int], bool] = {}

    def _is_plain(self, type_oid: int, opclass_oid: int) -> bool:
        opclass = self.opclasses.get(opclass_oid)
        try:
            plain = (
                opclass is not None
                and not opclass.options
                and bool(type_oid)  # 0: a domain
                and default_opclass(type_oid, opclass.method, self.opclasses, self.types) == opclass_oid
            )
        except _Unknown:
            plain = False
        self._plain[type_oid, opclass_oid] = plain
        return plain

    def definition(
        self,
        head: str,
        keys: Sequence[int],
        opclasses: Sequence[int],
        collations: Sequence[int],
        predicate: str | None,
        columns: Mapping[int, KeyColumn],
    ) -> str | None:
        """The definition of a plain index, or None when it is not certain to be spelled like the server.

        ``columns`` maps the table's attnums to their :class:`KeyColumn`; ``keys``, ``opclasses`` and
        ``collations`` are the index's ``indkey``, ``indclass`` and ``indcollation``.
        """
        if not keys or len(keys) != len(opclasses) or len(keys) != len(collations):
            return None
        plain = self._plain
        names: list[str] = []
        for attnum, opclass_oid, collation in zip(keys, opclasses, collations, strict=True):
            column = columns.get(attnum)
            if column is None:
                return None
            key = (column[1], opclass_oid)
            ok = plain.get(key)
            if ok is None:
                ok = self._is_plain(*key)
            if not ok:
                return None  # a domain, or the server prints the opclass
            if collation and collation != column[2]:
                return None  # the server prints COLLATE
            names.append(column[0])
        where = "" if predicate is None else f" WHERE {predicate}"
        return f"{head} ({', '.join(names)}){where}"
