"""Small pure helpers over libpg_query JSON parse trees: names, identities, type names.

Object identities follow the project's conventions (``schema.name``, ``schema.table.column``,
``schema.name(argtypes)`` with argument types as ``format_type`` prints them, without typmods).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import orjson
from pglast.parser import parse_sql_json

from pgconsolidate.model.names import EXTENSION_TYPES as MODEL_EXTENSION_TYPES
from pgconsolidate.model.names import type_ref
from pgconsolidate.statements.model import Statement

DEFAULT_SCHEMA = "public"

#: Types of well-known extensions (``vector(1536)`` needs ``vector``): the model's list, and ``cube``.
EXTENSION_TYPES = {**MODEL_EXTENSION_TYPES, "cube": "cube"}

#: Function calls (also inside function bodies) that belong to a well-known extension.
EXTENSION_CALLS = {
    "uuid_generate_v1": "uuid-ossp",
    "uuid_generate_v4": "uuid-ossp",
    "crypt": "pgcrypto",
    "gen_salt": "pgcrypto",
    "pgp_sym_encrypt": "pgcrypto",
    "pgp_sym_decrypt": "pgcrypto",
    "similarity": "pg_trgm",
    "word_similarity": "pg_trgm",
    "http_get": "http",
    "http_post": "http",
    "net.http_get": "pg_net",
    "net.http_post": "pg_net",
    "cron.schedule": "pg_cron",
    "cron.unschedule": "pg_cron",
}


@lru_cache(maxsize=4096)
def _reparse(text: str) -> dict[str, Any]:
    try:
        data = parse_sql_json(text)
        try:
            stmts = orjson.loads(data).get("stmts") or ()
        except orjson.JSONDecodeError:  # e.g. an integer beyond 64 bits: the standard library reads it
            stmts = json.loads(data).get("stmts") or ()
    except Exception:  # it parsed once already, as part of its file; be safe anyway
        return {}
    node = stmts[0].get("stmt", {}) if stmts else {}
    return node if isinstance(node, dict) else {}


def tree(st: Statement) -> dict[str, Any]:
    """The statement's parse tree (``{"CreateStmt": {...}}``): the one the splitter kept, else parsed
    again from the statement's text. ``analyze`` drops the trees after building the model (they are
    most of its memory); statement-level rules re-parse only the statements their kind and text
    prefilters select."""
    return st.node if st.node else _reparse(st.text)


def body(st: Statement) -> dict[str, Any]:
    """The fields of the statement's node (``tree(st)["CreateStmt"]``)."""
    t = tree(st)
    return next(iter(t.values())) if t else {}


def default_index_name(table: str, columns: list[str | None], unique: bool) -> str:
    """The name PostgreSQL gives an index created without one (``t_a_b_idx``, ``t_a_key``, ``t_expr_idx``),
    truncated to 63 characters (PostgreSQL adds a number when the name is taken; that is not modelled)."""
    parts = [c if c is not None else "expr" for c in columns] or ["expr"]
    name = f"{table.rsplit('.', 1)[-1]}_{'_'.join(parts)}_{'key' if unique else 'idx'}"
    return name[:63]


_DROP_WORD = re.compile(r"\bdrop\b", re.IGNORECASE)


def mentions_drop(text: str) -> bool:
    """True when the statement's text has the word DROP (a cheap prefilter before a re-parse; the
    substring test first, as no statement text is short of it when the word is there)."""
    return "drop" in text.lower() and _DROP_WORD.search(text) is not None


def strings(items: list[Any] | None) -> list[str]:
    """The ``sval`` of each ``String`` node in ``items``."""
    out = []
    for item in items or ():
        s = item.get("String") if isinstance(item, dict) else None
        if s is not None:
            out.append(s.get("sval", ""))
    return out


def qualify(parts: list[str]) -> str:
    """``["t"]`` → ``public.t``; ``["s", "t"]`` → ``s.t``; ``["db", "s", "t"]`` → ``s.t``."""
    if not parts:
        return ""
    if len(parts) == 1:
        return f"{DEFAULT_SCHEMA}.{parts[0]}"
    return f"{parts[-2]}.{parts[-1]}"


def relation_id(rangevar: dict[str, Any] | None) -> str:
    """``schema.name`` of a ``RangeVar`` (public when unqualified)."""
    if not rangevar:
        return ""
    rv = rangevar.get("RangeVar", rangevar)
    return f"{rv.get('schemaname') or DEFAULT_SCHEMA}.{rv.get('relname', '')}"


def relation_schema(rangevar: dict[str, Any] | None) -> str:
    rv = (rangevar or {}).get("RangeVar", rangevar or {})
    return str(rv.get("schemaname") or DEFAULT_SCHEMA)


def type_name(tn: dict[str, Any] | None) -> str:
    """A ``TypeName`` as ``format_type`` prints it without typmods, e.g. ``double precision``, ``vector``,
    ``text[]``: the model's :attr:`TypeRef.signature` of it (``%TYPE`` references as written)."""
    if not tn:
        return ""
    tn = tn.get("TypeName", tn)
    names = strings(tn.get("names"))
    if not names:
        return ""
    if tn.get("pct_type"):
        return ".".join(names) + "%TYPE"
    return type_ref(tn)[0].signature


_ARG_MODES = {"FUNC_PARAM_IN", "FUNC_PARAM_INOUT", "FUNC_PARAM_VARIADIC", "FUNC_PARAM_DEFAULT", None}


def function_args(parameters: list[Any] | None) -> list[str]:
    """Input argument types of ``FunctionParameter`` nodes (OUT and TABLE columns left out)."""
    out = []
    for p in parameters or ():
        fp = p.get("FunctionParameter", p)
        if fp.get("mode") in _ARG_MODES:
            out.append(type_name(fp.get("argType")))
    return out


def function_id(funcname: list[Any], parameters: list[Any] | None) -> str:
    """``schema.name(argtypes)`` of a function."""
    return f"{qualify(strings(funcname))}({', '.join(function_args(parameters))})"


def object_with_args_id(owa: dict[str, Any]) -> str:
    """Identity of an ``ObjectWithArgs`` (DROP/ALTER FUNCTION f(args))."""
    owa = owa.get("ObjectWithArgs", owa)
    name = qualify(strings(owa.get("objname")))
    if owa.get("args_unspecified"):
        return f"{name}"
    if owa.get("objfuncargs"):
        args = function_args(owa["objfuncargs"])
    else:
        args = [type_name(a) for a in owa.get("objargs") or ()]
    return f"{name}({', '.join(args)})"


def walk(node: Any, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``(key, fields)`` pair of a JSON parse tree: node types (``RangeVar``) and the field names that
    hold a node directly (``relation``, ``typeName``). Keys in ``skip`` are not descended into."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            for k, v in cur.items():
                if k in skip:
                    continue
                if isinstance(v, dict):
                    yield k, v
                    stack.append(v)
                elif isinstance(v, list):
                    stack.extend(v)
        elif isinstance(cur, list):
            stack.extend(cur)


def drop_object_id(remove_type: str, obj: dict[str, Any]) -> str:
    """Identity of one object of a ``DropStmt`` (``removeType`` says what kind it is)."""
    if "ObjectWithArgs" in obj:
        return object_with_args_id(obj)
    if "String" in obj:
        return str(obj["String"].get("sval", ""))
    if "TypeName" in obj:
        return qualify(strings(obj["TypeName"].get("names")))
    parts = strings(obj.get("List", {}).get("items"))
    if remove_type in ("OBJECT_POLICY", "OBJECT_TRIGGER", "OBJECT_RULE"):
        table = parts[:-1] if len(parts) > 2 else [DEFAULT_SCHEMA, *parts[:-1]]
        return ".".join([*table[-2:], parts[-1]]) if parts else ""
    return qualify(parts)
