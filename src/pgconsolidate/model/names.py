"""Names in libpg_query's JSON trees: strings, qualified names, types (normalised to format_type spellings).

Pure helpers shared by the effect extractors.
"""

from __future__ import annotations

from typing import Any

from pgconsolidate.model.types import TypeRef

#: Internal type names → the spelling ``format_type`` prints.
TYPE_ALIASES: dict[str, str] = {
    "int2": "smallint",
    "int4": "integer",
    "int": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "float": "double precision",
    "bool": "boolean",
    "varchar": "character varying",
    "bpchar": "character",
    "char": "character",
    "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone",
    "timetz": "time with time zone",
    "time": "time without time zone",
    "varbit": "bit varying",
    "decimal": "numeric",
    "serial": "integer",
    "serial4": "integer",
    "bigserial": "bigint",
    "serial8": "bigint",
    "smallserial": "smallint",
    "serial2": "smallint",
}

SERIAL_TYPES = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})

#: Types of pg_catalog (as format_type prints them): never schema-qualified, never "used" objects.
BUILTIN_TYPES = frozenset(
    {
        "smallint", "integer", "bigint", "real", "double precision", "numeric", "boolean", "text",
        "character varying", "character", "name", "bytea", "uuid", "json", "jsonb", "xml", "date",
        "timestamp with time zone", "timestamp without time zone", "time with time zone",
        "time without time zone", "interval", "bit", "bit varying", "money", "inet", "cidr", "macaddr",
        "macaddr8", "point", "line", "lseg", "box", "path", "polygon", "circle", "tsvector", "tsquery",
        "oid", "regclass", "regproc", "regprocedure", "regtype", "regrole", "regnamespace", "regconfig",
        "void", "trigger", "event_trigger", "record", "anyelement", "anyarray", "anynonarray",
        "anyenum", "anyrange", "anymultirange", "anycompatible", "anycompatiblearray", "internal",
        "cstring", "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange",
        "int4multirange", "int8multirange", "nummultirange", "tsmultirange", "tstzmultirange",
        "datemultirange", "jsonpath", "pg_lsn", "txid_snapshot", "pg_snapshot", "xid", "xid8", "cid",
        "tid", "refcursor", "language_handler", "fdw_handler", "index_am_handler", "table_am_handler",
        "\"char\"", "aclitem", "int2vector", "oidvector", "unknown",
    }
)  # fmt: skip

#: Types that extensions commonly provide → the extension that provides them.
EXTENSION_TYPES: dict[str, str] = {
    "vector": "vector",
    "halfvec": "vector",
    "sparsevec": "vector",
    "citext": "citext",
    "hstore": "hstore",
    "ltree": "ltree",
    "geometry": "postgis",
    "geography": "postgis",
}


def sval(node: Any) -> str:
    """The text of a ``{"String": {"sval": ...}}`` node (or of a bare string)."""
    try:
        return str(node["String"]["sval"])
    except (KeyError, TypeError):
        pass
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        inner = node.get("String")
        if isinstance(inner, dict):
            return str(inner.get("sval", ""))
        for key in ("Integer", "Float"):
            if key in node:
                v = node[key]
                return str(v.get("ival", v.get("fval", 0)))
    return ""


def names(items: Any) -> list[str]:
    """A list of String nodes (a qualified name) as plain strings."""
    if type(items) is list:  # the common case: a list of String nodes
        try:
            # one and two parts (most names) without a comprehension (a function object and a frame)
            n = len(items)
            if n == 1:
                return [items[0]["String"]["sval"]]
            if n == 2:
                return [items[0]["String"]["sval"], items[1]["String"]["sval"]]
            return [x["String"]["sval"] for x in items]
        except (KeyError, TypeError):
            return [sval(x) for x in items]
    if isinstance(items, dict) and "List" in items:
        items = items["List"].get("items", [])
    try:
        return [x["String"]["sval"] for x in items or ()]
    except (KeyError, TypeError):
        return [sval(x) for x in items or ()]


def const_text(node: Any) -> str | None:
    """The value of an ``A_Const`` (or typmod constant) as text."""
    if isinstance(node, dict):
        inner = node.get("A_Const")
        if isinstance(inner, dict):
            for key in ("ival", "fval", "sval", "boolval", "bsval"):
                if key in inner:
                    v = inner[key]
                    if isinstance(v, dict):
                        if not v:
                            return "0" if key == "ival" else ("false" if key == "boolval" else "")
                        val = next(iter(v.values()))
                        return str(val).lower() if key == "boolval" else str(val)
            return None
        if "ColumnRef" in node:
            return ".".join(sval(f) for f in node["ColumnRef"].get("fields", ()))
    return None


_TYPE_CACHE: dict[tuple[Any, ...], tuple[TypeRef, bool]] = {}
#: The cache of :func:`type_ref` for names of one or two parts without modifiers, array bounds or
#: ``%TYPE`` (most columns and arguments): schema unqualified names resolve to → last name part →
#: first part (None for a one-part name) → result. Lookups on the strings need no key tuple.
_PLAIN_TYPES: dict[str, dict[str, dict[str | None, tuple[TypeRef, bool]]]] = {}


def type_ref(tn: dict[str, Any], default_schema: str = "") -> tuple[TypeRef, bool]:
    """A ``TypeName`` struct as a :class:`TypeRef`, and whether it was a serial pseudo-type.

    Most columns and arguments use a handful of types (``text``, ``uuid``, ``bigint``,
    ``vector(1536)``), so results are cached on a small key read straight off the node: the name parts,
    the array depth, the schema unqualified names resolve to and the modifiers (when they are plain
    constants). ``%TYPE`` references and unusual nodes are computed each time."""
    try:
        parts = tn["names"]
        n = len(parts)
        # (``in`` tests, not ``.get`` calls: libpg_query writes no empty lists, and an empty one present
        # only takes the general path below, which gives the same result)
        if n <= 2 and "typmods" not in tn and "arrayBounds" not in tn and "pct_type" not in tn:
            # the usual type name (``text``, ``pg_catalog.int8``, ``uuid``): looked up by its name
            # strings themselves, without a key tuple to build and hash (see _PLAIN_TYPES)
            last = parts[-1]["String"]["sval"]
            first = parts[0]["String"]["sval"] if n == 2 else None
            by_name = _PLAIN_TYPES.get(default_schema)
            if by_name is None:
                by_name = _PLAIN_TYPES[default_schema] = {}
            by_first = by_name.get(last)
            if by_first is not None:
                found = by_first.get(first)
                if found is not None:
                    return found
            elif len(by_name) < 10_000:
                by_first = by_name[last] = {}
            plain = True
        else:
            plain = False
        if n == 1:
            head: Any = parts[0]["String"]["sval"]
        elif n == 2:  # pg_catalog.int8 and the like: no comprehension
            head = (parts[0]["String"]["sval"], parts[1]["String"]["sval"])
        else:
            head = tuple([x["String"]["sval"] for x in parts])
        if "pct_type" in tn:
            return _type_ref(tn, default_schema)
        bounds = tn.get("arrayBounds")
        dims = len(bounds) if bounds else 0
        mods = tn.get("typmods")
        if mods:
            key: tuple[Any, ...] = (head, dims, default_schema, *map(const_text, mods))
        else:
            key = (head, dims, default_schema)
    except (KeyError, TypeError, IndexError):
        return _type_ref(tn, default_schema)
    if plain:
        made = _type_ref(tn, default_schema)
        if by_first is not None and len(by_first) < 100:
            by_first[first] = made
        return made
    hit = _TYPE_CACHE.get(key)
    if hit is None:
        hit = _type_ref(tn, default_schema)
        if len(_TYPE_CACHE) < 10_000:
            _TYPE_CACHE[key] = hit
    return hit


def _type_ref(tn: dict[str, Any], default_schema: str = "") -> tuple[TypeRef, bool]:
    """A ``TypeName`` struct as a :class:`TypeRef`, and whether it was a serial pseudo-type.

    Unqualified names of built-in and extension types get an empty schema; other unqualified names get
    ``default_schema`` (the schema they resolve to: the first of the file's search_path).
    """
    parts = names(tn.get("names", ()))
    if not parts:
        return TypeRef("unknown"), False
    raw = parts[-1]
    schema = parts[-2] if len(parts) > 1 else ""
    serial = False
    if schema in ("", "pg_catalog"):
        serial = raw in SERIAL_TYPES and schema == ""
        name = TYPE_ALIASES.get(raw, raw)
        if schema == "" and name not in BUILTIN_TYPES and name not in EXTENSION_TYPES:
            schema = default_schema
        elif schema == "pg_catalog":
            schema = ""
    else:
        name = raw
    mods = tuple(filter(None, (const_text(m) for m in tn.get("typmods", ()) or ())))
    dims = len(tn.get("arrayBounds", ()) or ())
    if tn.get("pct_type"):
        name = ".".join(parts) + "%TYPE"
        schema = ""
    return TypeRef(name=name, schema=schema, typmods=mods, array_dims=dims), serial


def type_uses(t: TypeRef, resolved_schema: str) -> str | None:
    """The identity a column/argument of type ``t`` needs to exist: a user type or an extension."""
    if t.name in BUILTIN_TYPES or t.name.endswith("%TYPE"):
        return None
    if t.schema in ("", "extensions", "public") and t.name in EXTENSION_TYPES:
        return EXTENSION_TYPES[t.name]
    schema = t.schema or resolved_schema
    if schema == "pg_catalog":
        return None
    return f"{schema}.{t.name}"
