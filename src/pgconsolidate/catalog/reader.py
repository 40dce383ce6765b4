"""Read a live database's catalog into a :class:`~pgconsolidate.catalog.model.Snapshot`.

One query per kind of object (``catalog/queries/<kind>.sql``), all inside one read-only REPEATABLE READ
transaction so that the snapshot is consistent, with a ``search_path`` of ``pg_catalog``, ``public`` and
every extension's schema so that ``format_type`` spells types the way the shared identity convention
wants (``vector(1536)``, not ``extensions.vector(1536)``).

Speed (what a fresh session pays for is mostly catalog lookups and relation cache entries):

* a preamble query returns what the others need (extension schemas, extension members as oid arrays)
  so pg_depend is read once; a census query after it tells which of the kinds most databases hold none
  of (triggers, rules, enums, casts, ...) may hold some, and only those kinds' queries run (each test is
  its query's WHERE clause without the temporary-schema and extension-member conditions: a superset, so
  a kind is never called empty when its query would return a row);
* large catalogs are read by two sessions sharing one exported snapshot (:func:`_read_parallel`; a third
  costs the server more than it gives on two cores: :data:`PAIR`): the extra session's connection is
  started before the main one's (libpq's non-blocking connect: the server starts both backends at
  once); the main session's first statement (``snapshot.sql``) exports the snapshot when the catalog is
  large (its size from the file sizes of pg_class and pg_proc, not by counting rows), the extra session
  imports it and runs the census (which needs no parameter) while the main one runs the preamble, and
  starts its queries as soon as the preamble's parameters are in; a small catalog goes on in the same
  transaction, alone; an extra session hands its objects over before its commit and close; the two
  sessions start with the columns and the functions and then take the next kind from one queue
  (:data:`SHARED`), so that they finish together whatever the catalog holds (three sessions read fixed
  :data:`GROUPS`, balanced on server time and on the Python work that follows each kind's rows);
* while sessions are read in parallel, Python's thread switch interval is 0.5 ms (:class:`_SwitchInterval`):
  a session's thread whose rows arrive gets the GIL back within that, not 5 ms, so its server process is
  not left stalled on a full socket while another thread builds objects; every session turns jit off
  (:data:`JIT_OFF`) before its first query is planned;
* queries are sent in pipeline mode, one ahead: the next kind's query is sent as soon as a kind's rows
  are in, so the server runs it while those objects are built (psycopg's fetch waits for every result
  queued before it: queries sent all at once would have their objects built only after the session's
  last query, and the sessions' Python work, serialised by the GIL, would pile up at the end); rows
  arrive in binary;
* server functions that open relations or do more than needed are avoided where the same text can be
  had otherwise: plain index definitions are spelled by :mod:`catalog.indexdef` (pg_get_indexdef opens
  every table), functions' identities, arguments and results by :mod:`catalog.functiondef` (the server
  functions look every function up again) from one query naming their types; privileges come with
  their objects (an ``_acl`` column, one aclitem[] text split by :func:`catalog.acl.acl_items`)
  instead of a second scan of every catalog; relations' comments from one query per session, given by
  oid (:func:`_comment`), other comments by join or by a probe only when some exist; columns' positions
  are their attnums, renumbered here for the tables that dropped columns (a window function cost a fifth
  of that query);
* objects are made by a compiled maker per query shape (no ``__init__``: attributes stored on an instance
  of a plain class, which is then given the dataclass as its class; :func:`_maker`) after a one-time
  check that the query's columns are exactly the dataclass's fields (their names read from the result,
  not ``cur.description``); ACLs are parsed in Python once per distinct ACL and grants made per (ACL,
  grantee) group, the objects' identities grouped by ACL straight from the objects; functions arrive in
  identity order, so their sort and their grants' sort find sorted runs; the columns are indexed by
  table once (their positions, the key columns of index and constraint definitions and the sequences'
  owners all come from that index); and the garbage collector is paused while reading; the objects made
  are then moved straight to its oldest generation (:func:`_settle`), so no young collection scans them
  all at the end.

Columns named ``_...`` (last in a query) are not fields: values the reader needs to finish objects.
tests/catalog/test_reference_snapshots.py proves the snapshots equal those read before this speed work.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import fields
from functools import cached_property, lru_cache
from itertools import compress
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus

from pgconsolidate.catalog.acl import acl_items, merge_acl
from pgconsolidate.catalog.constraintdef import plain_constraint
from pgconsolidate.catalog.defaultdef import spell_default
from pgconsolidate.catalog.functiondef import (
    RawSignature,
    oid_array,
    oidvector,
    plain_default,
    spell,
    text_array,
)
from pgconsolidate.catalog.indexdef import IndexSpeller, KeyColumn, Opclass, TypeInfo
from pgconsolidate.catalog.model import (
    OBJECT_KINDS,
    CatalogObject,
    Column,
    Function,
    Grant,
    Index,
    Snapshot,
    View,
    scope_name,
)
from pgconsolidate.catalog.normalize import body_hash, normalize_definition
from pgconsolidate.catalog.predicate import spell_predicate
from pgconsolidate.catalog.schemas import MANAGED_SCHEMAS, SYSTEM_SCHEMAS
from pgconsolidate.db.connect import StartedConnection, connect, load_sql, one_line, start_connect
from pgconsolidate.errors import DatabaseError
from pgconsolidate.gcpause import paused_gc
from pgconsolidate.redact import redact_url

QUERIES = "pgconsolidate.catalog.queries"
_IDENTITY = attrgetter("identity")


def skipped_schemas(include_managed_schemas: bool) -> list[str]:
    """The schemas whose objects are not read."""
    return list(SYSTEM_SCHEMAS) + ([] if include_managed_schemas else list(MANAGED_SCHEMAS))


def _field_names(cls: type[CatalogObject]) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


class _Batch:
    """What one session's queries produced: objects per kind (not yet sorted), the non-field ``_...``
    values of each object for kinds whose query returns some, and the operator classes when read."""

    def __init__(self) -> None:
        self.objects: dict[str, list[CatalogObject]] = {}
        self.extras: dict[str, list[tuple[Any, ...]]] = {}
        self.opclasses: dict[int, Opclass] = {}
        self.types: dict[int, TypeInfo] = {}
        self.grants: list[CatalogObject] = []  # from every kind's ACLs, and the grants query
        self.spelled: set[str] = set()  # kinds of _FINISHED whose definitions are complete (see _spell)
        self.owners_named = False  # sequences' owned_by completed (see _sequence_owners)
        self.column_rows: _ColumnRows | None = None  # another session's columns (see _sequence_owners)
        # columns and sequences in step with their extras (the objects lists are sorted)
        self.in_order: dict[str, list[CatalogObject]] = {}

    def merge(self, other: _Batch) -> None:
        self.spelled |= other.spelled
        self.owners_named = self.owners_named or other.owners_named
        self.in_order.update(other.in_order)
        self.objects.update(other.objects)
        self.extras.update(other.extras)
        self.opclasses.update(other.opclasses)
        self.types.update(other.types)
        self.grants.extend(other.grants)


def _array_fields(cls: type[CatalogObject]) -> frozenset[str]:
    """The fields declared ``tuple[str, ...]`` (the query returns a list, or NULL for none)."""
    return frozenset(f.name for f in fields(cls) if str(f.type).startswith("tuple"))


# How a column's value becomes a field's, by field (``{}`` is the row's value).
_CONVERSIONS = {
    (Function, "body"): ("body_hash", "body_hash({0})"),
    (View, "definition"): ("definition", "normalize_definition({0} or '')"),
    (Index, "opclasses"): ("opclasses", "tuple(map(opclass_name, {0}))"),
    (Column, "foreign_options"): ("foreign_options", "(() if {0} is None else tuple(sorted({0})))"),
}


# Kinds finished in _finish with their ``_...`` values (kept in step with them, sorted there).
_FINISHED = frozenset({"indexes", "constraints"})
# Kinds whose objects are also kept in the order of their ``_...`` values (sequences' owners).
_IN_ORDER = frozenset({"columns", "sequences"})
# Kinds whose ``_...`` values are read after their objects are built (the others' are dropped at once,
# by the session that read them: the functions' rows are most of what a read frees, and freed at the end
# they were ~2 ms of the main session's last, serial, work).
_KEPT_EXTRAS = _FINISHED | _IN_ORDER

_MAKERS: dict[tuple[type[CatalogObject], tuple[str, ...]], Callable[..., list[CatalogObject]]] = {}


def _maker(cls: type[CatalogObject], names: tuple[str, ...]) -> Callable[..., list[CatalogObject]]:
    """A function turning rows with columns ``names`` into objects of ``cls`` (compiled once per query
    shape, like dataclasses compiles ``__init__``).

    Each object is made as an instance of a plain class of its own (:func:`_builder`), whose attributes are
    set by ordinary assignments (the interpreter's fastest store, into the instance's inline values), and
    then given its real class, which makes its ``__dict__`` from those values: about half the cost of a dict
    display assigned as ``__dict__`` through ``object.__setattr__``, for tens of thousands of frozen
    objects (the frozen class's own ``__init__`` is several times slower still). The object is then an
    ordinary instance of ``cls``: equal to, and pickled like, one made by ``__init__``."""
    key = (cls, names)
    if key in _MAKERS:
        return _MAKERS[key]
    arrays = _array_fields(cls)
    stores = []
    for i, name in enumerate(names):
        field, expression = _CONVERSIONS.get((cls, name), (name, ""))
        if not expression:
            expression = "(() if {0} is None else tuple({0}))" if name in arrays else "{0}"
        stores.append(f"        obj.{field} = {expression.format(f'row[{i}]')}\n")
    source = (
        "def make(rows, opclass_name):\n"
        "    out = []\n"
        "    append = out.append\n"
        "    for row in rows:\n"
        "        obj = new(builder)\n"
        f"{''.join(stores)}"
        "        obj.__class__ = cls\n"
        "        append(obj)\n"
        "    return out\n"
    )
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "builder": _builder(cls),
        "cls": cls,
        "body_hash": body_hash,
        "normalize_definition": normalize_definition,
    }
    exec(source, namespace)
    _MAKERS[key] = namespace["make"]
    return _MAKERS[key]


def _builder(cls: type[CatalogObject]) -> type:
    """A plain class whose instances can become instances of ``cls`` by ``__class__`` assignment (same
    layout: a ``__dict__`` and a ``__weakref__``, nothing else), so that their attributes can be set
    before, without the frozen class's ``__setattr__``. One per maker: every instance of it gets the same
    attributes in the same order, so they all share one key table."""
    return type(f"_{cls.__name__}Builder", (), {"__slots__": ("__dict__", "__weakref__")})


def _build_all(
    cls: type[CatalogObject], names: list[str], rows: list[tuple[Any, ...]], opclasses: dict[int, Opclass]
) -> tuple[list[CatalogObject], list[tuple[Any, ...]]]:
    """Rows to objects: arrays become tuples of strings, bodies become hashes, view text is normalised,
    index opclass oids become names. Also returns each row's trailing ``_...`` columns (not fields); for
    functions, the rows themselves (their ``_...`` values end them: :class:`_FunctionTexts` reads them
    there, and the ACL is the last).

    The query's column names (other than the trailing ``_...`` ones) must be exactly the dataclass's
    fields (checked once per kind, so a query and its dataclass cannot drift apart); objects are then
    filled without going through ``__init__``, which is several times faster for tens of thousands of
    frozen objects.
    """
    if not rows:
        return [], []
    fields_of_query = _query_fields(cls, names)
    width = len(fields_of_query)

    def opclass_name(oid: int) -> str:
        opclass = opclasses.get(oid)
        return opclass.name if opclass else f"opclass {oid}"

    out = _maker(cls, fields_of_query)(rows, opclass_name)
    if width == len(rows[0]):
        return out, []
    if cls is Function:
        return out, rows
    extras = map(_extras_getter(cls, names), rows)
    return out, _ColumnRows(extras) if cls is Column else list(extras)


# ``_...`` values that repeat a field's column, by kind: (their place among the ``_...`` values, the field).
# The query does not send them twice (the columns' attnum is their ``position`` as read, the indexes'
# opclass oids are their ``opclasses`` as read, before the field becomes names): the reader puts the
# field's column there (server and client decode each once).
_REPEATED: dict[type[CatalogObject], tuple[int, str]] = {Column: (4, "position"), Index: (5, "opclasses")}


def _extras_places(cls: type[CatalogObject], names: list[str]) -> tuple[int, ...]:
    """The row places of a kind's ``_...`` values (the trailing columns, and the repeated field's)."""
    width = next((i for i, n in enumerate(names) if n.startswith("_")), len(names))
    places = list(range(width, len(names)))
    if cls in _REPEATED:
        place, field = _REPEATED[cls]
        places.insert(place, names.index(field))
    return tuple(places)


def _extras_getter(
    cls: type[CatalogObject], names: list[str]
) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """A row's ``_...`` values (see :func:`_extras_places`), as a tuple."""
    places = _extras_places(cls, names)
    if places == tuple(range(places[0], len(names))):
        return itemgetter(slice(places[0], None))
    return itemgetter(*places)  # two or more places: a tuple


class _ColumnRows(list[tuple[Any, ...]]):
    """The columns' ``_...`` values (quoted name, type, collation: a :data:`KeyColumn`; table oid, attnum,
    acl), in the order of the columns read, with their :attr:`tables` index (made once, by whichever
    session needs it first) and the column objects in the same order (:attr:`objects`: sequences' owners
    are named from them by whichever session reads the sequences)."""

    objects: list[CatalogObject]

    @cached_property
    def tables(self) -> dict[int, dict[int, int]]:
        """table oid -> attnum -> the column's place in this list (made with :attr:`key_columns`)."""
        return self._indexes()[0]

    @cached_property
    def key_columns(self) -> dict[int, dict[int, KeyColumn]]:
        """table oid -> attnum -> the column's ``_...`` values, whose first three are its
        :data:`~catalog.indexdef.KeyColumn` (quoted name, type, collation): what index and constraint
        definitions are spelled from (made with :attr:`tables`)."""
        return self._indexes()[1]

    def _indexes(self) -> tuple[dict[int, dict[int, int]], dict[int, dict[int, KeyColumn]]]:
        """Both indexes by table, in one pass (a table's columns come one after the other: its two
        dicts are looked up once per table, not per column); whichever is asked for first makes both
        (two sessions asking at once make equal ones)."""
        tables: dict[int, dict[int, int]] = {}
        keys: dict[int, dict[int, KeyColumn]] = {}
        places: dict[int, int] = {}
        extras: dict[int, KeyColumn] = {}
        last = None
        for place, extra in enumerate(self):
            relid = extra[3]
            if relid != last:
                last = relid
                if relid in tables:
                    places, extras = tables[relid], keys[relid]
                else:
                    places = tables[relid] = {}
                    extras = keys[relid] = {}
            places[extra[4]] = place
            extras[extra[4]] = extra
        self.__dict__.setdefault("tables", tables)
        self.__dict__.setdefault("key_columns", keys)
        return tables, keys


def _query_fields(cls: type[CatalogObject], names: list[str]) -> tuple[str, ...]:
    """The columns of a query that are fields (those before the ``_...`` ones), checked to be exactly the
    dataclass's fields (raises otherwise)."""
    width = next((i for i, n in enumerate(names) if n.startswith("_")), len(names))
    if any(not n.startswith("_") for n in names[width:]):
        raise DatabaseError(f"internal error: catalog query for {cls.kind}: '_' columns must come last")
    fields_of_query = tuple(names[:width])
    produced = {_CONVERSIONS.get((cls, n), (n, ""))[0] for n in fields_of_query}
    if produced != _field_names(cls) or len(produced) != width:
        raise DatabaseError(
            f"internal error: catalog query for {cls.kind} returns {sorted(produced)}, "
            f"expected {sorted(_field_names(cls))}"
        )
    return fields_of_query


# The object kind a grant names, for the kinds whose query returns the object's ACL as its last column
# (``_acl``); None: functions, whose grants say "function" or "procedure".
_ACL_KINDS: dict[str, str | None] = {
    "schemas": "schema",
    "tables": "table",
    "columns": "column",
    "views": "view",
    "sequences": "sequence",
    "enums": "type",
    "domains": "type",
    "composites": "type",
    "functions": None,
    "foreign_data_wrappers": "foreign data wrapper",
    "foreign_servers": "foreign server",
}


def _acl_grants(
    name: str, objects: list[CatalogObject], extras: list[tuple[Any, ...]]
) -> list[CatalogObject]:
    """The grants of the objects of kind ``name`` that carry an ACL (the objects without one, most
    columns, are passed over in C: ``compress`` and ``filter``), their identities grouped by ACL at once
    (no (object_kind, object, acl) row per object, as :func:`_grants` takes)."""
    label = _ACL_KINDS[name]
    acls = list(map(_LAST, extras))
    # an ACL's text is never empty
    carrying = zip(compress(objects, acls), filter(None, acls), strict=True)
    by_acl: dict[str, list[str]] = {}
    if label is not None:
        for obj, acl in carrying:
            members = by_acl.get(acl)
            if members is None:
                by_acl[acl] = [obj.identity]
            else:
                members.append(obj.identity)
        return _grants_of({(label, acl): members for acl, members in by_acl.items()})
    procedures: dict[str, list[str]] = {}  # functions' grants say "function" or "procedure"
    for obj, acl in carrying:
        same = procedures if obj.prokind == "procedure" else by_acl  # type: ignore[attr-defined]
        members = same.get(acl)
        if members is None:
            same[acl] = [obj.identity]
        else:
            members.append(obj.identity)
    groups = {("function", acl): members for acl, members in by_acl.items()}
    groups.update((("procedure", acl), members) for acl, members in procedures.items())
    return _grants_of(groups)


_LAST = itemgetter(-1)


@lru_cache(maxsize=4096)
def _grantees(acl: str) -> tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]:
    """(" to <grantee>", grantee, privileges, grantable) per grantee of an ACL given as its aclitem[]
    text (most objects share one: parsed once)."""
    return tuple(
        (f" to {g}", g, privileges, grantable)
        for g, (privileges, grantable) in merge_acl(acl_items(acl)).items()
    )


def _grants(rows: Iterable[tuple[str, str, str]]) -> list[CatalogObject]:
    """(object_kind, object, acl as aclitem[] text) rows to one :class:`Grant` per (object, grantee).

    The objects are grouped by (object_kind, ACL) first (most share a handful of ACLs), so that each
    grantee's grants are made in one loop over its objects, in their order (a sorted run when the rows
    were sorted: the sort that follows merges them)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for object_kind, obj, acl in rows:
        members = groups.get((object_kind, acl))
        if members is None:
            groups[object_kind, acl] = [obj]
        else:
            members.append(obj)
    return _grants_of(groups)


def _grants_of(groups: dict[tuple[str, str], list[str]]) -> list[CatalogObject]:
    """One :class:`Grant` per object and grantee, from the objects' identities grouped by (object_kind,
    ACL)."""
    out: list[CatalogObject] = []
    for (object_kind, acl), members in groups.items():
        head = object_kind + " "
        for suffix, grantee, privileges, grantable in _grantees(acl):
            _make_grants(out, members, object_kind, head, suffix, grantee, privileges, grantable)
    return out


_GRANT_BUILDER: type = type("_GrantBuilder", (), {"__slots__": ("__dict__", "__weakref__")})


def _make_grants(
    out: list[CatalogObject],
    objects: list[str],
    object_kind: str,
    head: str,
    suffix: str,
    grantee: str,
    privileges: tuple[str, ...],
    grantable: tuple[str, ...],
) -> None:
    """Append one grant of ``grantee`` per object (made like :func:`_maker`'s objects)."""
    append, new, builder = out.append, object.__new__, _GRANT_BUILDER
    for obj in objects:
        grant: Any = new(builder)
        grant.identity = f"{head}{obj}{suffix}"  # one string made, not two
        grant.object_kind = object_kind
        grant.object = obj
        grant.grantee = grantee
        grant.privileges = privileges
        grant.grantable = grantable
        grant.__class__ = Grant
        append(grant)


def array_literal(values: Iterable[int | str]) -> str:
    """A PostgreSQL array literal (``{1,2}``, ``{"a","b\\"c"}``) for a query parameter that the query
    casts (``%(x)s::oid[]``): one string is passed instead of a list, which psycopg would dump element
    by element in Python (a few thousand oids of extension members, for every query)."""
    items = []
    for value in values:
        if isinstance(value, int):
            items.append(str(value))
        else:
            items.append('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(items) + "}"


def _path_of(extension_schemas: list[str]) -> sql.Composed:
    names = ["pg_catalog", "public", *extension_schemas]
    path = sql.SQL(", ").join([sql.Identifier(name) for name in names])
    return sql.SQL("SET LOCAL search_path TO {}").format(path)


def _search_path(conn: psycopg.Connection) -> sql.Composed:
    """``SET LOCAL search_path`` to pg_catalog, public and every extension's schema."""
    rows = conn.execute(
        "SELECT DISTINCT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'public') ORDER BY 1"
    ).fetchall()
    return _path_of([str(r[0]) for r in rows])


def _set_search_path(conn: psycopg.Connection) -> None:
    conn.execute(_search_path(conn))


# The arrays of extension members the preamble returns, passed to every query as parameters.
_EXTENSION_MEMBERS = (
    "ext_cast",
    "ext_class",
    "ext_type",
    "ext_proc",
    "ext_namespace",
    "ext_event_trigger",
    "ext_collation",
    "ext_ts_config",
    "ext_ts_dict",
    "ext_operator",
    "ext_fdw",
    "ext_server",
)


class _Prepared(NamedTuple):
    search_path: str  # already set for the transaction; the extra sessions set it too
    params: dict[str, Any]  # every catalog query's parameters


# The kinds most databases hold none of, whose queries run only when the census finds candidates.
CENSUS_KINDS = (
    "triggers",
    "rules",
    "event_triggers",
    "settings",
    "enums",
    "domains",
    "composites",
    "publications",
    "statistics",
    "collations",
    "casts",
    "text_search_configurations",
    "text_search_dictionaries",
    "operators",
    "foreign_data_wrappers",
    "foreign_servers",
    "ranges",
    "managed_tables",
)


def _send_preamble(
    conn: psycopg.Connection, skip_schemas: list[str], include_ext: bool = False
) -> tuple[psycopg.Cursor[Any], psycopg.Cursor[Any]]:
    """Queue the preamble and the census in ``conn``'s pipeline (in its open transaction); see
    :func:`_prepared`."""
    preamble = conn.execute(_query("preamble", conn.info.server_version))
    return preamble, _send_census(conn, skip_schemas, include_ext)


def _send_census(
    conn: psycopg.Connection, skip_schemas: list[str], include_ext: bool = False
) -> psycopg.Cursor[Any]:
    """Queue the census (see :func:`_empty_kinds`); ``include_ext``: extension members are read."""
    census = conn.cursor(binary=True)
    census.execute(
        _query("census", conn.info.server_version),
        {"skip_schemas": array_literal(skip_schemas), "extension_objects": include_ext},
    )
    return census


def _prepared(cur: psycopg.Cursor[Any], skip_schemas: list[str], include_ext: bool) -> _Prepared:
    """The preamble's result: it has set the search_path (returned for the extra sessions) and tells the
    extension members, which become the queries' parameters."""
    row = cur.fetchone()
    assert row is not None
    values = dict(zip(_column_names(cur), row, strict=True))
    params: dict[str, Any] = {"skip_schemas": array_literal(skip_schemas)}
    for name in _EXTENSION_MEMBERS:
        params[name] = array_literal([] if include_ext else values[name])
    return _Prepared(str(values["search_path"]), params)


def _column_names(cur: psycopg.Cursor[Any]) -> list[str]:
    """The names of the columns of ``cur``'s result, read from the result itself (``cur.description``
    makes a Column object, with its type and sizes, for each: a few microseconds per query)."""
    result = cur.pgresult
    if result is None:
        return []
    return [(result.fname(i) or b"").decode() for i in range(result.nfields)]


def _empty_kinds(census: psycopg.Cursor[Any]) -> frozenset[str]:
    """The kinds the census found nothing for (their queries would return no row)."""
    found = census.fetchone()
    assert found is not None
    kinds = _column_names(census)
    if sorted(kinds) != sorted(CENSUS_KINDS):
        raise DatabaseError(f"internal error: the census tells {sorted(kinds)}, not {sorted(CENSUS_KINDS)}")
    return frozenset(kind for kind, some in zip(kinds, found, strict=True) if some is False)


# The object kinds split into groups read in parallel over separate connections that share one exported
# snapshot (as pg_dump --jobs does), so that the sessions finish together: server CPU in fresh sessions
# (bench schema: columns 26 ms, functions 21, indexes 17, constraints 11, views 9, sequences 6, tables 5,
# grants 3.5, policies 3) plus the Python work that follows each kind's rows (functions and their grants
# the most, then index and constraint spelling; the GIL serialises it). The first group runs on the
# caller's connection, which reads the census: the kinds the census tells about are in it.
#
# Two sessions by default (:data:`PAIR`): on two cores the read is CPU-bound (server and client CPU
# together are about twice the wall time), and each session costs the server its start, its exit and its
# own cold catalog caches: a third session cost ~12 ms more server CPU per read of the bench schema
# (109 against 96 ms, start and exit included) and ~2 ms client CPU, for no shorter read (median wall
# 80-111 ms with three, 78-99 ms with two, interleaved read by read). PGCONSOLIDATE_CATALOG_WORKERS=3
# reads :data:`GROUPS` in three sessions (more cores, a remote server); 1 reads everything in one.
#
# The two sessions' groups are not fixed: each starts with its own largest kind (:data:`PAIR`: the
# columns, which the other kinds' finishing needs, and the functions, the most Python work), then takes
# the next kind of :data:`SHARED` (largest first) each time it sends its next query, so that they finish
# together whatever the catalog holds (a fixed split balanced on one schema left one session ~13 ms
# behind the other once a query got cheaper); the main session reads the census kinds last.
GROUPS: tuple[tuple[str, ...], ...] = (
    ("columns", "sequences", "schemas", "extensions", "views", "policies", *CENSUS_KINDS),
    ("indexes", "constraints", "tables"),
    ("functions", "grants"),  # the most Python work (functions' texts and grants) after the rows arrive
)
PAIR: tuple[tuple[str, ...], ...] = (("columns",), ("functions",))
SHARED = (
    "indexes",
    "constraints",
    "views",
    "sequences",
    "tables",
    "grants",
    "policies",
    "schemas",
    "extensions",
)
assert sorted(k for g in GROUPS for k in g) == sorted(OBJECT_KINDS), "every object kind in one group"
assert sorted([*PAIR[0], *PAIR[1], *SHARED, *CENSUS_KINDS]) == sorted(OBJECT_KINDS), "every kind once"
# A kind read next by the session that takes the kind before it from :data:`SHARED`: the policies'
# expressions open the same tables as the views' definitions, whose relation cache entries that session
# has then built (~6 M server instructions less on the bench schema than in two sessions).
FOLLOWERS = {"views": "policies"}
DEFAULT_WORKERS = len(PAIR)


def _workers() -> int:
    try:
        return max(1, int(os.environ.get("PGCONSOLIDATE_CATALOG_WORKERS", str(DEFAULT_WORKERS))))
    except ValueError:
        return DEFAULT_WORKERS


def _layout() -> tuple[tuple[str, ...], ...]:
    """The groups of kinds for the number of sessions allowed (:func:`_workers`; more than
    :data:`GROUPS` has are not used)."""
    return PAIR if _workers() == len(PAIR) else GROUPS[: _workers()]


# Sent in every session's transaction before its first query (a SET LOCAL, not a startup option, which
# poolers such as PgBouncer or Supavisor may refuse; it ends with the transaction): JIT compiling a query
# costs a server built with LLVM tens of milliseconds, far more than these short catalog scans take, and
# a large catalog's queries pass jit_above_cost (100,000 by default): the constraints query's estimate is
# 26,357 with 500 tables and 245,725 with 5,000 (PostgreSQL 18), the columns' 38,335. The statements
# before the kind queries count too: on PostgreSQL 15 with LLVM and jit_above_cost 0, the census alone
# compiled 114 functions when it ran before the setting (it is planned before the preamble's answer).
JIT_OFF = "SET LOCAL jit = off"

MIN_SERVER_VERSION = 120000
# SQL-standard function bodies (BEGIN ATOMIC) exist from PostgreSQL 14 on.
_SQLBODY = "WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid)"
# Statistics objects have their own target from PostgreSQL 13 on (-1 until 16, NULL from 17: the default).
_STATISTICS_TARGET = "nullif(s.stxstattarget, -1)::int"
# Column compression (SET COMPRESSION) exists from PostgreSQL 14 on.
_COLUMN_COMPRESSION = """CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' WHEN '' THEN NULL
            ELSE a.attcompression::text END"""
# Multirange types exist from PostgreSQL 14 on.
_MULTIRANGE = "mt.oid = r.rngmultitypid"
# Before 14 a true array type is told by its length (typsubscript is new in 14).
_ARRAY_SUBSCRIPT = "t.typsubscript = 'array_subscript_handler'::regproc"
# NULLS NOT DISTINCT and ON DELETE SET NULL (columns) exist from PostgreSQL 15 on.
_NULLS_NOT_DISTINCT = "NOT i.indnullsnotdistinct"
_CONSTRAINT_NULLS_NOT_DISTINCT = "NOT ci.indnullsnotdistinct"
_ON_DELETE_COLUMNS = "k.confdelsetcols IS NULL"
# NOT ENFORCED and WITHOUT OVERLAPS / PERIOD keys exist from PostgreSQL 18 on.
_ENFORCED_NO_PERIOD = "AND k.conenforced AND NOT k.conperiod"
# From PostgreSQL 18 on, stored expressions carry no locations: a function's one default has the same
# tree wherever it was written, spelled once by catalog/defaultdef.py; before, each tree differs (its
# location) and the server's pg_get_expr costs less than spelling each in Python.
_FUNCTION_DEFAULT = "NULL::text AS _default"


@lru_cache(maxsize=128)
def _query(name: str, server_version: int) -> bytes:
    """The catalog query of one object kind, adapted to the server's version (fixed variants only;
    read from the package once)."""
    text = load_sql(QUERIES, f"{name}.sql")
    if server_version < 130000:
        text = text.replace(_STATISTICS_TARGET, "NULL::int")
    if server_version < 140000:
        text = text.replace(_SQLBODY, "WHEN false THEN NULL")
        text = text.replace(_ARRAY_SUBSCRIPT, "t.typlen = -1")
        text = text.replace(_COLUMN_COMPRESSION, "NULL::text")
        text = text.replace(_MULTIRANGE, "false")
    if server_version < 150000:
        text = text.replace(_NULLS_NOT_DISTINCT, "true").replace(_CONSTRAINT_NULLS_NOT_DISTINCT, "true")
        text = text.replace(_ON_DELETE_COLUMNS, "true")
    if server_version < 180000:
        text = text.replace(_ENFORCED_NO_PERIOD, "")
        server_default = "CASE WHEN p.pronargdefaults = 1 THEN pg_get_expr(p.proargdefaults, 0) END"
        text = text.replace(_FUNCTION_DEFAULT, server_default + " AS _default")
    return text.encode("utf-8")


def _read_kinds(
    conn: psycopg.Connection,
    names: tuple[str, ...],
    params: dict[str, Any],
    census: psycopg.Cursor[Any] | Callable[[], frozenset[str]] | None,
    columns_read: Future[list[tuple[Any, ...]] | None] | None = None,
    spell_with: Future[list[tuple[Any, ...]] | None] | None = None,
    shared: deque[str] | None = None,
    last: tuple[str, ...] = (),
) -> _Batch:
    """Run the queries of ``names`` on ``conn`` (in its open transaction) and build their objects, then
    those of the kinds it takes from ``shared`` (a queue the sessions take their next kind from, each as
    it sends its next query, so that neither waits for the other at the end whatever the catalog holds),
    then ``last``. With the ``census`` (sent before on ``conn``, or a function giving the kinds it found
    nothing for), the kinds it covers are queried only when it found candidates (else they are empty).
    The columns' rows go to ``columns_read`` as soon as they are in; with ``spell_with`` (the column
    rows, read by this session or another), index and constraint definitions are spelled as soon as
    each kind is built, while the server runs the next query (not after this session's last query).

    The queries are sent in pipeline mode, one ahead: the next query is sent as soon as a query's rows
    are in, so the server runs it while that query's objects are built. (Not all at once: psycopg's
    fetch waits for every result queued before it returns one, so rows sent all at once are built only
    after the server has run every query of the session, and the sessions' Python work, serialised by
    the GIL, piles up at the end.)
    """
    batch = _Batch()
    version = conn.info.server_version
    queues = [deque(names), *([] if shared is None else [shared]), deque(last)]
    empty: frozenset[str] | None = None if census is not None else frozenset()
    opclass_cur = types_cur = comments_cur = None
    comments: dict[int, str] | None = None

    def take() -> str | None:
        for queue in queues:
            try:
                name = queue.popleft()  # atomic: the shared queue needs no lock
            except IndexError:
                continue
            follower = FOLLOWERS.get(name)
            if follower is not None and queue is shared:
                try:
                    queue.remove(follower)  # atomic too: fails if the other session took it first
                except ValueError:
                    pass
                else:
                    queues[0].appendleft(follower)  # this session's own queue, empty by now
            return name
        return None

    def send_next() -> tuple[str, psycopg.Cursor[Any]] | None:
        """Send the next kind's query (None: no kind left); a kind the census found nothing for is empty.
        The census is read when the first of its kinds comes up, with no other query waiting (its answer
        came with an earlier fetch). The operator classes and types that index definitions are spelled
        with are asked just before the indexes (answered with them)."""
        nonlocal empty, opclass_cur, types_cur, comments_cur
        while (name := take()) is not None:
            if name in CENSUS_KINDS:
                if empty is None:
                    assert census is not None
                    empty = _empty_kinds(census) if isinstance(census, psycopg.Cursor) else census()
                if name in empty:
                    batch.objects[name] = []
                    continue
            if name == "indexes":
                opclass_cur, types_cur = conn.cursor(binary=True), conn.cursor(binary=True)
                opclass_cur.execute(_query("opclasses", version))
                types_cur.execute(_query("opclass_types", version))
            if name in _COMMENTED and comments_cur is None:  # answered with the first such kind
                comments_cur = conn.cursor(binary=True)
                comments_cur.execute(_query("relation_comments", version))
            cur = conn.cursor(binary=True)  # binary rows decode faster
            cur.execute(_query(name, version), params)
            return name, cur
        return None

    with conn.pipeline():
        functions: _FunctionTexts | None = None
        current = send_next()
        while current is not None:
            name, cur = current
            rows = cur.fetchall()
            columns = _column_names(cur)
            current = send_next()  # run while these rows are built
            if functions is not None:  # the fetch above has read the names of their types too
                functions.complete()
                _built(batch, "functions", ["_acl"], functions.objects, functions.rows)
                functions = None
            if name == "indexes" and opclass_cur is not None and types_cur is not None:
                batch.opclasses = {
                    int(oid): Opclass(
                        str(name), int(method), bool(is_default), int(input_type), bool(options)
                    )
                    for oid, method, name, is_default, input_type, options in opclass_cur.fetchall()
                }
                batch.types = {
                    int(oid): TypeInfo(category, preferred, typtype, is_array, pseudo, frozenset(targets))
                    for oid, category, preferred, typtype, is_array, pseudo, targets in types_cur.fetchall()
                }
                opclass_cur = types_cur = None
            cls = OBJECT_KINDS[name]
            if cls is Grant:
                batch.grants.extend(_grants(rows))
                continue
            objects, extras = _build_all(cls, columns, rows, batch.opclasses)
            batch.objects[name] = objects
            if name == "functions" and objects:  # finished when the server has named their types
                functions = _FunctionTexts(conn, columns, objects, extras)
                continue
            if name in _COMMENTED and objects and comments_cur is not None:
                if comments is None:
                    comments = dict(comments_cur.fetchall())
                _comment(cls, objects, extras, columns, comments)
            _built(batch, name, columns, objects, extras)
            if name == "columns" and columns_read is not None:
                columns_read.set_result(extras)  # the session spelling definitions may go on
            if spell_with is not None and name in _FINISHED:  # while the server runs the next query
                column_rows = spell_with.result()
                if column_rows is not None:
                    _spell(conn, batch, column_rows)
            if spell_with is not None and name == "sequences":  # likewise, not at the end of the read
                column_rows = spell_with.result()
                if isinstance(column_rows, _ColumnRows):
                    batch.column_rows = column_rows
                    _sequence_owners(conn, batch)
        if functions is not None:
            functions.complete()
            _built(batch, "functions", ["_acl"], functions.objects, functions.rows)
        batch.grants.sort(key=_IDENTITY)
    return batch


# Kinds of relations whose comments come from one query per session (``relation_comments.sql``: every
# comment on a relation made after initdb, read once through pg_description's index) instead of a join
# or a probe of pg_description in each kind's query (bench schema: ~13 M server instructions less for
# tables, sequences, indexes and views, ~1.5 M more per session for the one query); their queries return
# the relation's oid as ``_oid``.
_COMMENTED = frozenset({"tables", "sequences", "indexes", "views"})


def _comment(
    cls: type[CatalogObject],
    objects: list[CatalogObject],
    extras: list[tuple[Any, ...]],
    columns: list[str],
    comments: dict[int, str],
) -> None:
    """Set the ``comment`` of the relations that have one, by their ``_oid``."""
    if not comments:
        return
    place = _extras_places(cls, columns).index(columns.index("_oid"))
    get = comments.get
    for obj, extra in zip(objects, extras, strict=True):
        text = get(extra[place])
        if text is not None:
            obj.__dict__["comment"] = text


def _built(
    batch: _Batch, name: str, columns: list[str], objects: list[CatalogObject], extras: list[tuple[Any, ...]]
) -> None:
    """Take the objects of kind ``name`` into ``batch``: their grants, their ``_...`` values, sorted."""
    if name in _ACL_KINDS and objects:
        if columns[-1] != "_acl":
            raise DatabaseError(
                f"internal error: catalog query for {OBJECT_KINDS[name].kind} has no '_acl' column"
            )
        batch.grants.extend(_acl_grants(name, objects, extras))
    if name == "columns":
        _positions(objects, extras)
    if extras and name in _KEPT_EXTRAS:
        batch.extras[name] = extras
    if name in _IN_ORDER:
        batch.in_order[name] = list(objects)  # before sorting: sequences' owners are found by them
        if isinstance(extras, _ColumnRows):
            extras.objects = batch.in_order[name]
    if name not in _FINISHED:  # sorted here, while the server still works for the other sessions
        objects.sort(key=_IDENTITY)


def _positions(columns: list[CatalogObject], extras: list[tuple[Any, ...]]) -> None:
    """Make each column's ``position`` (its attnum, from the query) 1-based among its table's live
    columns. A table whose largest attnum is its number of columns read has no gap (attnums are distinct
    and positive): there the attnum is the position; the others' columns are numbered in attnum order."""
    tables = extras.tables if isinstance(extras, _ColumnRows) else _ColumnRows(extras).tables
    for table in tables.values():
        if max(table) > len(table):
            for position, attnum in enumerate(sorted(table), 1):
                columns[table[attnum]].__dict__["position"] = position


class _FunctionTexts:
    """Completes functions' identities, argument lists and results (see :mod:`catalog.functiondef`).

    Made as soon as the functions' rows are built: it sends the query naming their types and argument
    names at once (in the pipeline, behind the query already sent), and :meth:`complete` reads the
    answer once the next kind's rows are in (fetched with them). Functions with the same raw columns
    (most share a handful of signatures) are spelled once."""

    def __init__(
        self,
        conn: psycopg.Connection,
        names: list[str],
        objects: list[CatalogObject],
        rows: list[tuple[Any, ...]],
    ):
        self.conn, self.objects, self.rows = conn, objects, rows
        first = names.index("_oid")  # then _procedure ... _default: what the texts are made of
        by_columns: dict[tuple[Any, ...], list[tuple[CatalogObject, int]]] = {}
        for obj, key, oid in zip(
            objects,
            map(itemgetter(slice(first + 1, first + 10)), rows),
            map(itemgetter(first), rows),
            strict=True,
        ):
            members = by_columns.get(key)
            if members is None:
                by_columns[key] = [(obj, oid)]
            else:
                members.append((obj, oid))
        self.ask: dict[int, CatalogObject] = {}  # left to the server
        self.groups: list[tuple[RawSignature, bool, list[tuple[CatalogObject, int]]]] = []
        types: set[int] = set()
        arg_names: set[str] = set()
        for key, members in by_columns.items():
            procedure, argtypes, allargtypes, modes, arg_list, rettype, retset, tree, default = key
            try:
                if tree is not None and not plain_default(tree):
                    raise ValueError(tree)
                if tree is not None and default is None:  # spelled here (catalog/defaultdef.py) or asked
                    default = spell_default(tree)
                    if default is None:
                        raise ValueError(tree)
                raw = RawSignature(
                    oidvector(argtypes),
                    None if allargtypes is None else oid_array(allargtypes),
                    modes,
                    None if arg_list is None else text_array(arg_list),
                    rettype,
                    retset,
                    default,
                )
            except ValueError:
                self.ask.update((oid, obj) for obj, oid in members)
                continue
            self.groups.append((raw, procedure, members))
            types.update(raw.argtypes)
            if raw.allargtypes is not None:
                types.update(raw.allargtypes)
            types.add(rettype)
            if raw.names is not None:
                arg_names.update(raw.names)
        version = conn.info.server_version
        self.types_cur = conn.cursor(binary=True)
        self.types_cur.execute(_query("type_names", version), {"types": array_literal(sorted(types))})
        self.names_cur = conn.cursor(binary=True)
        arg_names.discard("")
        self.names_cur.execute(_query("quoted_names", version), {"names": array_literal(sorted(arg_names))})

    def complete(self) -> None:
        type_names: dict[int, str] = dict(self.types_cur.fetchall())
        quoted: dict[str, str] = dict(self.names_cur.fetchall())
        ask = self.ask
        for raw, procedure, members in self.groups:
            try:
                spelled = spell(raw, procedure, type_names, quoted)
            except KeyError:
                ask.update((oid, obj) for obj, oid in members)
                continue
            identity_args, arguments, spelled_result = spelled
            suffix, result = f"({identity_args})", None if procedure else spelled_result
            for obj, _ in members:
                values = obj.__dict__
                values["identity"] += suffix
                if values["arguments"] is None:  # not left to the server by the query
                    values["arguments"] = arguments
                values["result"] = result
        if ask:
            rows = self.conn.execute(
                _query("function_texts", self.conn.info.server_version), {"oids": array_literal(ask)}
            ).fetchall()
            for oid, identity_args, arguments, result in rows:
                values = ask[oid].__dict__
                values["identity"] += f"({identity_args})"
                values["arguments"] = arguments
                values["result"] = result


def _spell(conn: psycopg.Connection, batch: _Batch, columns: list[tuple[Any, ...]]) -> None:
    """Complete the index and constraint definitions left to Python of the kinds built and not spelled
    yet (may query ``conn``, in the session that read them) and sort those kinds. A session reading both
    spells each kind as soon as it is built, while the server runs its next query."""
    kinds = [name for name in sorted(_FINISHED) if name not in batch.spelled and name in batch.objects]
    table_columns = (columns if isinstance(columns, _ColumnRows) else _ColumnRows(columns)).key_columns
    if "indexes" in kinds:
        _index_definitions(conn, batch, table_columns)
    if "constraints" in kinds:
        _constraint_definitions(conn, batch, table_columns)
    for name in kinds:
        batch.objects[name].sort(key=_IDENTITY)
        batch.extras.pop(name, None)  # freed here, by the session that spelled them
    batch.spelled.update(kinds)


def _index_definitions(
    conn: psycopg.Connection, batch: _Batch, table_columns: dict[int, dict[int, KeyColumn]]
) -> None:
    """Fill in the definitions (and predicates) the indexes query left to Python (see
    :mod:`catalog.indexdef` and :mod:`catalog.predicate`); the few it cannot spell with certainty are
    asked of the server in one more query."""
    speller = IndexSpeller(batch.opclasses, batch.types)
    ask: dict[int, CatalogObject] = {}  # the definition
    ask_both: dict[int, CatalogObject] = {}  # the definition and the predicate
    indexes = batch.objects.get("indexes", [])
    for index, extra in zip(indexes, batch.extras.get("indexes", []), strict=False):
        head, oid, relid, keys, collations, opclasses, tree = extra
        if head is None:
            continue  # the query already called pg_get_indexdef and pg_get_expr
        values = index.__dict__
        columns = table_columns.get(relid, {})
        if tree is not None:
            predicate = spell_predicate(tree, columns)
            if predicate is None:
                ask_both[oid] = index
                continue
            values["predicate"] = predicate
        definition = speller.definition(head, keys, opclasses, collations, values["predicate"], columns)
        if definition is None:
            ask[oid] = index
        else:
            values["definition"] = definition
    if ask_both:
        query = _query("index_texts", conn.info.server_version)
        for oid, definition, predicate in conn.execute(query, {"oids": array_literal(ask_both)}).fetchall():
            values = ask_both[oid].__dict__
            values["definition"], values["predicate"] = definition, predicate
    _ask_server(conn, "pg_get_indexdef(o)", ask)


def _constraint_definitions(
    conn: psycopg.Connection, batch: _Batch, table_columns: dict[int, dict[int, KeyColumn]]
) -> None:
    """Fill in the definitions the constraints query left to Python (see :mod:`catalog.constraintdef`)."""
    ask: dict[int, CatalogObject] = {}
    constraints = batch.objects.get("constraints", [])
    for constraint, extra in zip(constraints, batch.extras.get("constraints", []), strict=False):
        spell, oid, relid, keys, ref_relid, ref_keys, ref_name, on_update, on_delete = extra
        if spell is None:
            continue  # the query already called pg_get_constraintdef
        definition = plain_constraint(
            spell,
            keys,
            table_columns.get(relid, {}),
            ref_name,
            ref_keys,
            table_columns.get(ref_relid, {}),
            on_update,
            on_delete,
        )
        if definition is None:
            ask[oid] = constraint
        else:
            constraint.__dict__["definition"] = definition
    _ask_server(conn, "pg_get_constraintdef(o, true)", ask)


def _ask_server(conn: psycopg.Connection, call: str, objects: dict[int, CatalogObject]) -> None:
    """Set the ``definition`` of ``objects`` (by oid) from one more query calling ``call`` on each."""
    if not objects:
        return
    query = sql.SQL("SELECT o, {} FROM unnest(%s::oid[]) o").format(sql.SQL(call))  # call: a constant
    for oid, definition in conn.execute(query, [array_literal(objects)]).fetchall():
        objects[oid].__dict__["definition"] = definition


# Extra sessions cost a connection each; they pay off only for large catalogs: bytes of pg_class + pg_proc
# on disk (an empty database has about 950 kB, mostly PostgreSQL's own functions; 1.5 MB is about 6,000
# rows of the two).
PARALLEL_FROM = 1_500_000

_Plan = tuple[str, dict[str, Any]]  # search_path, parameters


def _worker(
    url: str,
    snapshot: Future[str | None],
    plan: Future[_Plan | None],
    names: tuple[str, ...],
    columns_read: Future[list[tuple[Any, ...]] | None],
    ready: Future[_Batch | None],
    shared: deque[str] | None = None,
    started: StartedConnection | None = None,
    census: tuple[list[str], bool] | None = None,
    census_read: Future[frozenset[str] | None] | None = None,
) -> None:
    """Open an extra session at once (or finish opening ``started``), import the shared snapshot as soon
    as it is exported, wait for the plan (the main session's preamble), read ``names`` and hand their
    objects to ``ready`` before the session's commit and close (the caller goes on meanwhile); None when
    the session cannot be opened (connection limit, pooler: the caller reads them itself) or is not
    needed (a small catalog).

    With ``census`` (skipped schemas, extension objects read), the census is run as soon as the snapshot
    is imported, while this session would wait for the plan anyway, and the kinds it found nothing for go
    to ``census_read`` (None: not read here), for the main session, which reads those kinds."""
    try:
        conn = connect(url, started=started)  # started: already being opened (see read_snapshot)
    except DatabaseError:
        ready.set_result(None)
        if census_read is not None:
            census_read.set_result(None)
        return
    try:
        snapshot_id = snapshot.result()
        if snapshot_id is None:
            return
        # one round trip for the set-up and the queries; the import is sent (and run) at once, while the
        # main session runs the preamble
        with conn.pipeline(), conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot_id)))
            conn.execute(JIT_OFF)  # before the census is planned
            if census is not None and census_read is not None:  # needs no plan: run while it comes
                census_read.set_result(_empty_kinds(_send_census(conn, *census)))
            planned = plan.result()
            if planned is None:
                return
            search_path, params = planned
            # as the preamble sets it in the main session
            conn.execute("SELECT set_config('search_path', %s, true)", [search_path])
            # no census kind in these groups; definitions spelled here, while the other sessions still read
            batch = _read_kinds(conn, names, params, None, spell_with=columns_read, shared=shared)
            if not _FINISHED & batch.objects.keys() <= batch.spelled:
                columns = columns_read.result()
                if columns is not None:
                    _spell(conn, batch, columns)
            ready.set_result(batch)
    except BaseException as exc:  # the caller raises it
        if not ready.done():
            ready.set_exception(exc)
    finally:
        if not ready.done():
            ready.set_result(None)
        if census_read is not None and not census_read.done():
            census_read.set_result(None)
        conn.close()


class _ExtraSessions:
    """The sessions that read the groups after the first, opened in the background from the start (a
    session takes as long to open as the main one's first round trip, and these groups are the longest).
    Each imports the snapshot given to :meth:`export`, then waits for :meth:`start` with the queries'
    parameters; on :meth:`cancel` (small catalog, error) it closes without reading and nobody waits for
    it."""

    def __init__(
        self,
        url: str,
        groups: tuple[tuple[str, ...], ...],
        shared: deque[str] | None = None,
        started: StartedConnection | None = None,
        census: tuple[list[str], bool] | None = None,
    ) -> None:
        self.groups = groups
        # the kinds the census found nothing for, read by the first extra session (see _worker)
        self.census_read: Future[frozenset[str] | None] = Future()
        self._snapshot: Future[str | None] = Future()
        self._plan: Future[_Plan | None] = Future()
        # the main session's column rows, which the extra session reading indexes needs to spell them
        self.columns_read: Future[list[tuple[Any, ...]] | None] = Future()
        self._ready: list[Future[_Batch | None]] = [Future() for _ in groups]
        self._pool = ThreadPoolExecutor(max_workers=len(groups))
        census_read: Future[frozenset[str] | None] | None = self.census_read
        for group, ready in zip(groups, self._ready, strict=True):
            self._pool.submit(
                _worker,
                url,
                self._snapshot,
                self._plan,
                group,
                self.columns_read,
                ready,
                shared,
                started,
                census,
                census_read,
            )
            started = census = census_read = None  # the first session's only

    def export(self, snapshot_id: str) -> None:
        self._snapshot.set_result(snapshot_id)

    def start(self, prepared: _Prepared) -> None:
        self._plan.set_result((prepared.search_path, prepared.params))

    def results(self) -> list[_Batch | None]:
        """Each group's objects (None: read it yourself); waits for the reads, not for the sessions'
        commit and close (see :meth:`join`)."""
        return [ready.result() for ready in self._ready]

    def join(self) -> None:
        """Wait until every extra session is closed."""
        self._pool.shutdown(wait=True)

    def cancel(self) -> None:
        """Release the sessions still waiting; wait for those already reading (after an error here), so
        that none is left open behind the caller."""
        reading = self._plan.done() and self._plan.result() is not None
        if not self.columns_read.done():
            self.columns_read.set_result(None)  # never read here: a waiting session spells nothing
        if not self.groups and not self.census_read.done():
            self.census_read.set_result(None)  # no extra session to read it
        for future in (self._snapshot, self._plan):
            if not future.done():
                future.set_result(None)
        self._pool.shutdown(wait=reading)


class _NoSharedSnapshot(Exception):
    """The server refused to export a snapshot (pooler, standby restrictions): read in one session."""


class _SwitchInterval:
    """Python's thread switch interval, shortened while sessions are read in parallel (and put back after
    the last of concurrent reads, as ``compare`` makes them).

    Each session's thread releases the GIL while it waits for rows and takes it back for every chunk that
    arrives; while another thread builds objects (or psycopg decodes rows), the waiting one gets it only
    when that thread is asked to drop it, after the switch interval (5 ms by default). Meanwhile its
    server process, whose socket is full (a large result is several times the socket's buffer), stops.
    A fetch of the functions' rows (0.5 MB) while another thread ran Python took 128 ms at 5 ms, 64 ms at
    0.5 ms, 40 ms with no other thread (medians of 12): that wait, left to chance, is much of the spread
    between reads. A shorter interval costs a few more switches (microseconds each)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._readers = 0
        self._saved: float | None = None  # the interval to put back (None: left as it was)

    @contextmanager
    def shortened(self) -> Iterator[None]:
        with self._lock:
            if self._readers == 0:
                current = sys.getswitchinterval()
                self._saved = current if current > self.seconds else None
                if self._saved is not None:
                    sys.setswitchinterval(self.seconds)
            self._readers += 1
        try:
            yield
        finally:
            with self._lock:
                self._readers -= 1
                if self._readers == 0 and self._saved is not None:
                    sys.setswitchinterval(self._saved)


SWITCH_INTERVAL = _SwitchInterval(0.0005)


def _read_parallel(
    conn: psycopg.Connection,
    url: str,
    skip_schemas: list[str],
    include_ext: bool,
    started: StartedConnection | None = None,
) -> dict[str, tuple[CatalogObject, ...]]:
    """Read every kind over ``conn`` and extra sessions, which import its snapshot (like
    ``pg_dump --jobs``). The extra sessions are opened while this one exports the snapshot; they import
    it while this one runs the preamble, whose parameters they then wait for; the first of them runs the
    census meanwhile (it needs no parameter; its server would wait idle, this one's is busy: ~4 ms of a
    fresh session's CPU moved off this session's path). For a small catalog no snapshot is exported:
    the extra sessions are closed unused and this session reads everything, in the same transaction.
    Where one connection is left, it is this one (already open)."""
    layout = _layout()
    shared = deque(SHARED) if layout is PAIR else None  # taken from by both sessions
    last = CENSUS_KINDS if layout is PAIR else ()
    extra: _ExtraSessions | None = None
    batch = _Batch()
    try:
        with conn.pipeline(), conn.transaction():  # not a savepoint: no snapshot can be exported from one
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            conn.execute(JIT_OFF)
            try:  # alone in the pipeline: a fetch waits for every result queued before it
                sent = conn.execute(
                    _query("snapshot", conn.info.server_version), {"parallel_from": PARALLEL_FROM}
                )
                # the extra session is opened while the server runs it (its thread's start and the
                # Python half of its connect no longer delay this session's first statements)
                # the first group is this session's; the first extra session runs the census
                extra = _ExtraSessions(url, layout[1:], shared, started, (skip_schemas, include_ext))
                row = sent.fetchone()
            except psycopg.Error:  # no snapshot export here (pooler, standby): one session, below
                raise _NoSharedSnapshot from None
            snapshot_id = row[0] if row else None
            if snapshot_id is None:  # a small catalog: read here
                extra.cancel()
                preamble, census = _send_preamble(conn, skip_schemas, include_ext)
                return _read_alone(conn, preamble, census, skip_schemas, include_ext)
            extra.export(str(snapshot_id))  # imported while this session runs the preamble
            # the preamble alone (a fetch waits for every result queued before it): the extra sessions
            # need its parameters (the census is run by the first of them meanwhile)
            prepared = _prepared(
                conn.execute(_query("preamble", conn.info.server_version)), skip_schemas, include_ext
            )
            extra.start(prepared)

            def empty_kinds() -> frozenset[str]:
                """The kinds the census found nothing for: the extra session's answer, else asked here."""
                empty = extra.census_read.result() if extra is not None else None
                if empty is None:
                    empty = _empty_kinds(_send_census(conn, skip_schemas, include_ext))
                return empty

            try:
                batch.merge(
                    _read_kinds(
                        conn,
                        layout[0],
                        prepared.params,
                        empty_kinds,
                        extra.columns_read,
                        spell_with=extra.columns_read,
                        shared=shared,
                        last=last,
                    )
                )
            finally:
                if not extra.columns_read.done():  # no columns here, or an error: nobody waits for them
                    extra.columns_read.set_result(None)
            if not batch.owners_named and {"columns", "sequences"} <= batch.in_order.keys():
                _sequence_owners(conn, batch)
            for group, result in zip(extra.groups, extra.results(), strict=True):
                if result is None:  # that session could not be opened: read its kinds here
                    result = _read_kinds(conn, group, prepared.params, None)
                batch.merge(result)
            kinds = _finish(conn, batch)  # while the extra sessions commit and close
        extra.join()
        return kinds
    finally:
        if extra is not None:
            extra.cancel()  # no-op once started


def _read_alone(
    conn: psycopg.Connection,
    preamble: psycopg.Cursor[Any],
    census: psycopg.Cursor[Any],
    skip_schemas: list[str],
    include_ext: bool,
) -> dict[str, tuple[CatalogObject, ...]]:
    """Read every kind over ``conn`` alone, once the preamble and the census are sent (in its open
    transaction)."""
    params = _prepared(preamble, skip_schemas, include_ext).params
    return _finish(conn, _read_kinds(conn, tuple(OBJECT_KINDS), params, census))


def read_snapshot_from(
    conn: psycopg.Connection,
    *,
    source: str,
    include_extension_objects: bool = False,
    include_managed_schemas: bool = False,
    url: str | None = None,
    started: StartedConnection | None = None,
) -> Snapshot:
    """Read the catalog over an open (non-autocommit) connection.

    On an idle connection this opens its own read-only REPEATABLE READ transaction; inside a transaction
    that is already open it reads within a savepoint, so it sees that transaction's own changes. With
    ``url``, an idle connection and a large catalog, the object kinds are read in parallel by extra
    sessions that import this transaction's snapshot, so the result is still one consistent picture;
    ``started``: a connection to ``url`` already being opened, for the first of them (the caller closes
    it when unused).
    """
    with paused_gc():
        snapshot = _read_with(conn, source, include_extension_objects, include_managed_schemas, url, started)
        _settle()
        return snapshot


def _settle() -> None:
    """Move the objects made while the collector was paused straight to its oldest generation.

    The snapshot's tens of thousands of objects are long-lived and acyclic; left where they are, the first
    young collection after the pause scans every one of them (a few milliseconds, at the end of the read)
    and the next generation's collection scans them again. ``gc.freeze()`` moves every tracked object to
    the permanent generation and resets the generations' counts; ``gc.unfreeze()`` puts them all back
    into the oldest generation (both are list splices): nothing is left uncollectable, cyclic garbage is
    found by the next full collection. Done only when nothing else has frozen objects (``unfreeze`` would
    release theirs too)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def _read_with(
    conn: psycopg.Connection,
    source: str,
    include_extension_objects: bool,
    include_managed_schemas: bool,
    url: str | None,
    started: StartedConnection | None = None,
) -> Snapshot:
    skip_schemas = skipped_schemas(include_managed_schemas)
    if conn.info.server_version < MIN_SERVER_VERSION:
        raise DatabaseError(
            f"{source}: PostgreSQL {conn.info.server_version // 10000} is too old to inspect "
            f"(PostgreSQL {MIN_SERVER_VERSION // 10000} or later is needed)"
        )
    scope = scope_name(include_managed_schemas, include_extension_objects)
    idle = conn.info.transaction_status == TransactionStatus.IDLE
    if idle and url is not None and _workers() > 1:
        try:
            with SWITCH_INTERVAL.shortened():
                kinds = _read_parallel(conn, url, skip_schemas, include_extension_objects, started)
            return _snapshot(source, conn.info.server_version, kinds, scope)
        except _NoSharedSnapshot:
            pass  # the transaction was rolled back; read in one session below
    with conn.pipeline(), conn.transaction():
        if idle:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        conn.execute(JIT_OFF)  # within the caller's transaction too, as the search_path
        preamble, census = _send_preamble(conn, skip_schemas, include_extension_objects)
        kinds = _read_alone(conn, preamble, census, skip_schemas, include_extension_objects)
    return _snapshot(source, conn.info.server_version, kinds, scope)


def _finish(conn: psycopg.Connection, batch: _Batch) -> dict[str, tuple[CatalogObject, ...]]:
    """Complete what needs several kinds (index definitions; may query ``conn``) and sort what is not
    sorted yet: indexes, and grants, which come sorted from each session (a merge of sorted runs)."""
    if not batch.spelled >= _FINISHED:
        _spell(conn, batch, batch.extras.get("columns", []))
    if not batch.owners_named:
        _sequence_owners(conn, batch)
    batch.grants.sort(key=_IDENTITY)
    batch.objects["grants"] = batch.grants
    return {name: tuple(objects) for name, objects in batch.objects.items()}


def _sequence_owners(conn: psycopg.Connection, batch: _Batch) -> None:
    """Name the column that owns each sequence (``owned_by``) from the columns read (those another
    session read, else the batch's own), by the table oid and attnum the sequences query returns; the
    server names the few columns that were not read."""
    batch.owners_named = True
    sequences = batch.in_order.get("sequences", [])
    extras = batch.extras.get("sequences", [])
    if all(extra[0] is None for extra in extras):
        return
    rows: list[tuple[Any, ...]]
    if batch.column_rows is not None:
        columns, rows = batch.column_rows.objects, batch.column_rows
    else:
        columns, rows = batch.in_order.get("columns", []), batch.extras.get("columns", [])
    tables = rows.tables if isinstance(rows, _ColumnRows) else _ColumnRows(rows).tables
    no_columns: dict[int, int] = {}
    wanted: dict[tuple[int, int], list[CatalogObject]] = {}  # owners among the columns not read
    for sequence, extra in zip(sequences, extras, strict=True):
        relid, attnum = extra[0], extra[1]
        if relid is not None:
            place = tables.get(relid, no_columns).get(attnum)
            if place is not None:
                sequence.__dict__["owned_by"] = columns[place].identity
            else:
                wanted.setdefault((relid, attnum), []).append(sequence)
    if wanted:  # owned by columns of tables that were not read
        relids, attnums = zip(*wanted, strict=True)
        query = _query("column_names", conn.info.server_version)
        for relid, attnum, name in conn.execute(
            query, {"relids": array_literal(relids), "attnums": array_literal(attnums)}
        ):
            for sequence in wanted.get((relid, attnum), []):
                sequence.__dict__["owned_by"] = name


def _snapshot(source: str, server_version: int, kinds: dict[str, Any], scope: str) -> Snapshot:
    ordered = {name: kinds[name] for name in OBJECT_KINDS}
    return Snapshot(source=source, server_version=server_version, scope=scope, **ordered)


def read_snapshot(
    url: str, *, include_extension_objects: bool = False, include_managed_schemas: bool = False
) -> Snapshot:
    """Connect to ``url`` and read its schema; errors become one redacted line (:class:`DatabaseError`).

    When the catalog may be read by two sessions, the second one's opening is started first (without
    waiting: :func:`~pgconsolidate.db.connect.start_connect`), so that the server starts both backends
    at once, and the extra session is ready when the snapshot is exported (or closed unused)."""
    started = start_connect(url) if _workers() > 1 else None
    try:
        conn = connect(url)
        try:
            return read_snapshot_from(
                conn,
                source=redact_url(url),
                include_extension_objects=include_extension_objects,
                include_managed_schemas=include_managed_schemas,
                url=url,
                started=started,
            )
        except psycopg.Error as exc:
            raise DatabaseError(f"cannot read the catalog of {redact_url(url)}: {one_line(exc)}") from None
        finally:
            conn.close()
    finally:
        if started is not None:
            started.close()  # unless an extra session took it


def read_snapshots(
    urls: list[str], *, include_extension_objects: bool = False, include_managed_schemas: bool = False
) -> list[Snapshot]:
    """Read several databases at the same time (``compare URL URL``); same errors as :func:`read_snapshot`."""
    if len(urls) < 2:
        return [
            read_snapshot(
                u,
                include_extension_objects=include_extension_objects,
                include_managed_schemas=include_managed_schemas,
            )
            for u in urls
        ]
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        futures = [
            pool.submit(
                read_snapshot,
                u,
                include_extension_objects=include_extension_objects,
                include_managed_schemas=include_managed_schemas,
            )
            for u in urls
        ]
        return [f.result() for f in futures]
