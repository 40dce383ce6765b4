"""Shared pieces of effects extraction: the per-file name-resolution context, node helpers
(qualified names, roles, options) and the reference walk over expression trees."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from pgconsolidate.model.deparse import to_sql
from pgconsolidate.model.names import const_text, names, sval, type_ref, type_uses
from pgconsolidate.model.texthash import layout_hash
from pgconsolidate.model.types import (
    Action,
    ObjectKind,
    members,
)

#: The members as plain class attributes (``types.members``: reading them off the Enum classes is slow).
K = members(ObjectKind)
A = members(Action)


_NAMEDATALEN = 63
_OBJ_KIND = {
    "OBJECT_TABLE": K.TABLE,
    "OBJECT_FOREIGN_TABLE": K.TABLE,
    "OBJECT_VIEW": K.VIEW,
    "OBJECT_MATVIEW": K.MATERIALIZED_VIEW,
    "OBJECT_INDEX": K.INDEX,
    "OBJECT_SEQUENCE": K.SEQUENCE,
    "OBJECT_TYPE": K.TYPE,
    "OBJECT_DOMAIN": K.DOMAIN,
    "OBJECT_FUNCTION": K.FUNCTION,
    "OBJECT_PROCEDURE": K.PROCEDURE,
    "OBJECT_ROUTINE": K.FUNCTION,
    "OBJECT_AGGREGATE": K.AGGREGATE,
    "OBJECT_TRIGGER": K.TRIGGER,
    "OBJECT_POLICY": K.POLICY,
    "OBJECT_SCHEMA": K.SCHEMA,
    "OBJECT_EXTENSION": K.EXTENSION,
    "OBJECT_COLUMN": K.COLUMN,
    "OBJECT_TABCONSTRAINT": K.CONSTRAINT,
    "OBJECT_DOMCONSTRAINT": K.CONSTRAINT,
    "OBJECT_ROLE": K.ROLE,
    "OBJECT_PUBLICATION": K.PUBLICATION,
    "OBJECT_EVENT_TRIGGER": K.EVENT_TRIGGER,
}
_VOLATILITY = {"i": "immutable", "s": "stable", "v": "volatile"}
_FK_ACTION = {"a": None, "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}


@dataclass
class FileContext:
    """Per-file state while walking statements in order: the search_path set by ``SET search_path``."""

    file: str
    search_path: list[str] = field(default_factory=lambda: ["public"])
    schema: str = "public"  # the schema unqualified names resolve to (kept in step with search_path)

    def set_search_path(self, path: list[str]) -> None:
        """Change the search_path; unqualified names then resolve to its first real schema."""
        self.search_path = path
        self.schema = next((s for s in path if s not in ("$user", "pg_catalog", "pg_temp")), "public")


# --------------------------------------------------------------------------- small helpers


#: A hash of SQL text with comments and whitespace normalised (layout-insensitive).
_hash = layout_hash


def _rv(rv: dict[str, Any] | None, ctx: FileContext) -> tuple[str, str]:
    """A RangeVar as (schema, name)."""
    if not rv:
        return ctx.schema, ""
    return rv.get("schemaname") or ctx.schema, rv.get("relname", "")


def _rv_id(rv: dict[str, Any] | None, ctx: FileContext) -> str:
    """A RangeVar as an identity (``schema.name``)."""
    if not rv:
        return f"{ctx.schema}."
    return f"{rv.get('schemaname') or ctx.schema}.{rv.get('relname', '')}"


def _qual(parts: list[str], ctx: FileContext) -> tuple[str, str]:
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    return ctx.schema, parts[-1] if parts else ""


#: The role a RoleSpec of each special type names (others name ``rolename``).
_ROLESPEC_NAMES = {
    "ROLESPEC_PUBLIC": "public",
    "ROLESPEC_CURRENT_USER": "current_user",
    "ROLESPEC_SESSION_USER": "session_user",
    "ROLESPEC_CURRENT_ROLE": "current_role",
}


def _roles(specs: Iterable[Any]) -> tuple[str, ...]:
    out = []
    for spec in specs or ():
        rs = spec.get("RoleSpec", spec) if isinstance(spec, dict) else {}
        special = _ROLESPEC_NAMES.get(rs.get("roletype", ""))
        out.append(special if special is not None else rs.get("rolename", ""))
    return tuple(out)


def _defelems(items: Iterable[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items or ():
        de = item.get("DefElem") if isinstance(item, dict) else None
        if de:
            out[de.get("defname", "")] = de.get("arg")
    return out


def _defval(arg: Any) -> str:
    """The value of a DefElem argument as text."""
    if arg is None:
        return "true"
    if isinstance(arg, dict):
        if "String" in arg:
            return sval(arg)
        if "Integer" in arg:
            return str(arg["Integer"].get("ival", 0))
        if "Float" in arg:
            return str(arg["Float"].get("fval", "0"))
        if "Boolean" in arg:
            return "true" if arg["Boolean"].get("boolval") else "false"
        if "TypeName" in arg:
            return type_ref(arg["TypeName"])[0].display
        if "List" in arg:
            return ".".join(names(arg))
        if "A_Const" in arg:
            return const_text(arg) or ""
    return to_sql(arg)


def _truncate(name: str) -> str:
    raw = name.encode()
    if len(raw) <= _NAMEDATALEN:
        return name
    return raw[:_NAMEDATALEN].decode("utf-8", "ignore")


def choose_name(table: str, columns: Iterable[str], suffix: str) -> str:
    """PostgreSQL's ChooseRelationName/ChooseConstraintName default: ``table_col1_col2_suffix``
    (each part truncated so the whole fits in 63 bytes)."""
    label = "_".join([c for c in columns if c])
    name1, name2 = table, label
    overhead = len(suffix) + 1 + (1 if name2 else 0)
    avail = _NAMEDATALEN - overhead
    if len(name1) + len(name2) <= avail and name1.isascii() and name2.isascii():
        # the usual case: nothing to truncate (ASCII: one byte per character), no encoding needed
        return f"{name1}_{name2}_{suffix}" if name2 else f"{name1}_{suffix}"
    while len(name1.encode()) + len(name2.encode()) > avail:
        if len(name1.encode()) > len(name2.encode()):
            name1 = name1.encode()[:-1].decode("utf-8", "ignore")
        else:
            name2 = name2.encode()[:-1].decode("utf-8", "ignore")
    return f"{name1}_{name2}_{suffix}" if name2 else f"{name1}_{suffix}"


def _column_refs(node: Any, out: list[str]) -> None:
    """Column names referenced in an expression tree (first field of each ColumnRef)."""
    if isinstance(node, dict):
        cr = node.get("ColumnRef")
        if isinstance(cr, dict):
            fields = [sval(f) for f in cr.get("fields", ()) if "String" in f]
            if fields:
                out.append(fields[-1])
            return
        for v in node.values():
            _column_refs(v, out)
    elif isinstance(node, list):
        for v in node:
            _column_refs(v, out)


def _refs(
    node: Any,
    ctx: FileContext,
    rels: set[str],
    funcs: set[str],
    types: set[str],
    tree_json: str | None = None,
) -> None:
    """Relations (RangeVar), functions (FuncCall) and types (TypeCast) referenced anywhere in a tree.

    Trees without type casts are serialised (C speed; ``tree_json`` when the caller has it already)
    and searched with :func:`_json_refs`, which finds the same RangeVar and FuncCall nodes; others are
    walked: one iterative pass, scalar values skipped with a single type check."""
    if tree_json is None:
        try:
            tree_json = orjson.dumps(node).decode()
        except (TypeError, ValueError):
            tree_json = '"TypeCast"'  # not JSON data: walk it
    if '"TypeCast"' not in tree_json:
        _json_refs(tree_json, ctx, rels, funcs)
        return
    stack = [node]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        cur = pop()
        if type(cur) is list:
            extend(cur)
            continue
        if type(cur) is not dict:
            continue
        for key, val in cur.items():
            tv = type(val)
            if tv is dict:
                if key == "RangeVar":
                    if val.get("relname") and val.get("schemaname") != "pg_catalog":
                        rels.add(_rv_id(val, ctx))
                    continue
                if key == "FuncCall":
                    parts = names(val.get("funcname", ()))
                    if parts and (len(parts) == 1 or parts[0] != "pg_catalog"):
                        schema, name = _qual(parts, ctx)
                        funcs.add(f"{schema}.{name}(*)")
                elif key == "TypeCast" and type(val.get("typeName")) is dict:
                    t, _ = type_ref(val["typeName"], ctx.schema)
                    u = type_uses(t, ctx.schema)
                    if u:
                        types.add(u)
                push(val)
            elif tv is list:
                extend(val)


# JSON string bodies as an unrolled loop (no per-character alternation: several times faster)
_STR = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
# a RangeVar's fields: optional catalog, optional schema (group 1), relation (group 2)
_RANGEVAR_FIELDS = (
    r'\{(?:"catalogname":"[^"\\]*(?:\\.[^"\\]*)*",)?(?:"schemaname":' + _STR + r",)?" + r'"relname":' + _STR
)
_RANGEVAR_JSON = re.compile(r'"RangeVar":' + _RANGEVAR_FIELDS)
# The target of INSERT / UPDATE / DELETE / MERGE: a RangeVar that libpg_query's JSON does not wrap in a
# "RangeVar" key (``"relation":{"schemaname":...,"relname":...}``).
_DML_TARGET_JSON = re.compile(r'"relation":' + _RANGEVAR_FIELDS)
_FUNCCALL_JSON = re.compile(
    r'"FuncCall":\{"funcname":\[((?:\{"String":\{"sval":"[^"\\]*(?:\\.[^"\\]*)*"\}\},?)+)\]'
)
_SVAL_JSON = re.compile(r'"sval":' + _STR)


def _unescape(text: str) -> str:
    return text if "\\" not in text else str(json.loads(f'"{text}"'))


def _json_refs(
    tree_json: str, ctx: FileContext, out: set[str], funcs: set[str] | None = None, *, writes: bool = False
) -> None:
    """Relations (into ``out``) and functions (into ``funcs``, else ``out`` too) referenced in a
    libpg_query JSON text, found without loading it; ``writes``: also the tables written to (the
    targets of INSERT / UPDATE / DELETE / MERGE)."""
    patterns = (_RANGEVAR_JSON, _DML_TARGET_JSON) if writes else (_RANGEVAR_JSON,)
    for pattern in patterns:
        for schema, rel in pattern.findall(tree_json):
            if rel and schema != "pg_catalog":
                out.add(f"{_unescape(schema) or ctx.schema}.{_unescape(rel)}")
    if funcs is None:
        funcs = out
    for names_json in _FUNCCALL_JSON.findall(tree_json):
        parts = [_unescape(x) for x in _SVAL_JSON.findall(names_json)]
        if parts and (len(parts) == 1 or parts[0] != "pg_catalog"):
            schema, name = _qual(parts, ctx)
            funcs.add(f"{schema}.{name}(*)")


def _uses_of(node: Any, ctx: FileContext, exclude: str | None = None) -> tuple[str, ...]:
    rels: set[str] = set()
    funcs: set[str] = set()
    types: set[str] = set()
    _refs(node, ctx, rels, funcs, types)
    if exclude:
        rels.discard(exclude)
    return tuple(sorted(rels | funcs | types))


_LOCATION_KEY = b',"location":'
_LOCATION_JSON_BYTES = re.compile(rb',"location":-?\d+')
#: What a ``location`` value is written with (libpg_query's locations are integers, -1 when unknown).
_LOCATION_DIGITS = b"-0123456789"


def _without_locations(raw: bytes) -> bytes:
    """``raw`` (orjson's JSON of a tree) without its ``,"location":N`` members, as
    ``_LOCATION_JSON_BYTES.sub(b"", raw)`` gives it: split at each and the number stripped from the front
    of the next piece (a quarter cheaper than the substitution; a ``"location"`` inside a string is
    written ``\\"location\\"`` and never matches). A location that is not a number (never in
    libpg_query's trees) is left to the substitution."""
    pieces = raw.split(_LOCATION_KEY)
    if len(pieces) == 1:
        return raw
    digits = _LOCATION_DIGITS
    kept = [pieces[0]]
    for piece in pieces[1:]:
        rest = piece.lstrip(digits)
        if len(rest) == len(piece):
            return _LOCATION_JSON_BYTES.sub(b"", raw)
        kept.append(rest)
    return b"".join(kept)


_EXPR_CACHE: dict[tuple[bytes, str], tuple[tuple[str | None, ...], frozenset[str], frozenset[str]]] = {}
_EXPR_CACHE_MAX = 20_000
_EXPR_KEY_MAX = 8_000


def _exprs_text_and_refs(
    exprs: list[Any], ctx: FileContext
) -> tuple[tuple[str | None, ...], frozenset[str], frozenset[str]]:
    """The SQL text of each expression (None for a missing one), the relations they reference and the
    functions and types they reference (as :func:`_refs` finds them).

    Migrations repeat the same expressions over and over (``auth.uid() = user_id`` in every policy),
    so results are cached on the expressions' JSON without its ``location`` fields (the only part of
    a tree that says where it was written, and read by neither the printer nor the reference search)
    and the schema unqualified names resolve to."""
    try:
        raw: bytes | None = orjson.dumps(exprs)
    except (TypeError, ValueError):
        raw = None
    key = None
    if raw is not None and len(raw) <= _EXPR_KEY_MAX:
        # the key is the bytes orjson wrote (no decoding on a hit); the text is decoded on a miss only
        key = (_without_locations(raw), ctx.schema)
        hit = _EXPR_CACHE.get(key)
        if hit is not None:
            return hit
    tree_json = raw.decode() if raw is not None else None
    texts = tuple([to_sql(e) if e else None for e in exprs])
    rels: set[str] = set()
    funcs: set[str] = set()
    types: set[str] = set()
    _refs(exprs, ctx, rels, funcs, types, tree_json)
    value = (texts, frozenset(rels), frozenset(funcs | types))
    if key is not None and len(_EXPR_CACHE) < _EXPR_CACHE_MAX:
        _EXPR_CACHE[key] = value
    return value
