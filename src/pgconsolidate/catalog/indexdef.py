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
from typing import NamedTuple

# What an index definition needs of a table column: quote_ident(attname), atttypid (0 when the type is a
# domain: never matched) and attcollation. A plain tuple: the reader slices it out of the columns' rows.
KeyColumn = tuple[str, int, int]


class Opclass(NamedTuple):
    name: str  # as an index definition qualifies it (schema only when not visible)
    method: int  # the index access method's oid
    is_default: bool
    input_type: int


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
    """Spells plain index definitions over one catalog's operator classes and types (defaults cached)."""

    def __init__(self, opclasses: Mapping[int, Opclass], types: Mapping[int, TypeInfo]) -> None:
        self.opclasses = opclasses
        self.types = types
        self._defaults: dict[tuple[int, int], int | None] = {}

    def _default(self, type_oid: int, method: int) -> int | None:
        key = (type_oid, method)
        if key not in self._defaults:
            self._defaults[key] = default_opclass(type_oid, method, self.opclasses, self.types)
        return self._defaults[key]

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
        names: list[str] = []
        try:
            for attnum, opclass_oid, collation in zip(keys, opclasses, collations, strict=True):
                column = columns.get(attnum)
                opclass = self.opclasses.get(opclass_oid)
                if column is None or opclass is None:
                    return None
                quoted, type_oid, column_collation = column
                if not type_oid or self._default(type_oid, opclass.method) != opclass_oid:
                    return None  # a domain, or the server prints the opclass
                if collation and collation != column_collation:
                    return None  # the server prints COLLATE
                names.append(quoted)
        except _Unknown:
            return None
        where = "" if predicate is None else f" WHERE {predicate}"
        return f"{head} ({', '.join(names)}){where}"
