"""Turn fragments of libpg_query's JSON trees back into SQL text (expressions, queries, types).

The model never builds pglast node objects on its fast path. Fragments whose text we keep (defaults,
policy expressions, check constraints, index expressions, view queries) are printed by a small printer
for the common expression nodes (column references, constants, function calls, operators, AND/OR/NOT,
casts, NULL tests, ``(SELECT ...)``); anything else is converted to ``pglast.ast`` nodes and printed with
``RawStream``. Output is deterministic for a given tree, so two definitions that differ only in layout
or comments compare equal. Never raises: on any failure a stable JSON rendering of the fragment
(without locations) is returned instead.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from pgconsolidate.model.names import type_ref

_CONST = {"ival": "Integer", "fval": "Float", "sval": "String", "bsval": "BitString", "boolval": "Boolean"}
_ZERO: dict[str, Any] = {"ival": 0, "fval": "0", "sval": "", "bsval": "", "boolval": False}
_GENERIC = {"Node*", "List*", "char*", "Expr*"}


@cache
def _struct_fields(cls_name: str) -> dict[str, str]:
    """Fields of ``cls_name`` that hold a specific node type without a JSON wrapper: name → type."""
    from pglast import ast  # imported on first use: the fast printer handles most fragments

    cls = getattr(ast, cls_name, None)
    slots = getattr(cls, "__slots__", None)
    if not isinstance(slots, dict):
        return {}
    out = {}
    for name, info in slots.items():
        c_type = getattr(info, "c_type", "")
        if c_type.endswith("*") and c_type not in _GENERIC and hasattr(ast, c_type[:-1]):
            out[name] = c_type[:-1]
    return out


def _node(cls_name: str, inner: dict[str, Any]) -> dict[str, Any]:
    if cls_name == "A_Const":
        d: dict[str, Any] = {"@": "A_Const", "isnull": bool(inner.get("isnull", False))}
        for key, const_cls in _CONST.items():
            if key in inner:
                d["val"] = {"@": const_cls, key: _ZERO[key], **inner[key]}  # JSON omits zero values
        return d
    typed = _struct_fields(cls_name)
    d = {"@": cls_name}
    for key, value in inner.items():
        if key in typed and isinstance(value, dict):
            d[key] = _node(typed[key], value)
        else:
            d[key] = _convert(value)
    return d


def _convert(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, inner),) = value.items()
            if key == "List" and isinstance(inner, dict):
                return tuple(_convert(x) for x in inner.get("items", ()))
            if key[:1].isupper() and isinstance(inner, dict):
                return _node(key, inner)
        return {k: _convert(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_convert(x) for x in value)
    return value


def _strip_locations(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_locations(v) for k, v in value.items() if k != "location"}
    if isinstance(value, list):
        return [_strip_locations(v) for v in value]
    return value


def fallback_text(fragment: Any) -> str:
    """A stable rendering of a fragment that could not be printed as SQL."""
    return json.dumps(_strip_locations(fragment), sort_keys=True, separators=(",", ":"))


_PLAIN_IDENT = re.compile(r"[a-z_][a-z0-9_$]*\Z")
_SVF = {
    "SVFOP_CURRENT_DATE": "CURRENT_DATE",
    "SVFOP_CURRENT_TIME": "CURRENT_TIME",
    "SVFOP_CURRENT_TIMESTAMP": "CURRENT_TIMESTAMP",
    "SVFOP_LOCALTIME": "LOCALTIME",
    "SVFOP_LOCALTIMESTAMP": "LOCALTIMESTAMP",
    "SVFOP_CURRENT_ROLE": "CURRENT_ROLE",
    "SVFOP_CURRENT_USER": "CURRENT_USER",
    "SVFOP_USER": "USER",
    "SVFOP_SESSION_USER": "SESSION_USER",
    "SVFOP_CURRENT_CATALOG": "CURRENT_CATALOG",
    "SVFOP_CURRENT_SCHEMA": "CURRENT_SCHEMA",
}
_SIMPLE_SELECT_KEYS = frozenset({"targetList", "limitOption", "op"})


class _Unsupported(Exception):
    """The fast printer does not handle this node: use pglast's printer."""


_IDENTS: dict[str, str] = {}


def _ident(name: str) -> str:
    """An identifier as SQL: quoted unless it is a plain lower-case name (cached: names repeat)."""
    text = _IDENTS.get(name)
    if text is None:
        text = name if _PLAIN_IDENT.match(name) else '"' + name.replace('"', '""') + '"'
        if len(_IDENTS) < 50_000:
            _IDENTS[name] = text
    return text


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _type_text(tn: dict[str, Any]) -> str:
    return type_ref(tn)[0].display


def _fast(node: Any) -> str:
    """A compact printer for the expression nodes that make up most defaults, checks and policies.

    Raises :class:`_Unsupported` for anything else. Output is deterministic for a given tree, so
    two equal trees always print equally (whichever printer handles them)."""
    if not isinstance(node, dict) or len(node) != 1:
        raise _Unsupported
    ((kind, b),) = node.items()
    if kind == "ColumnRef":
        parts = []
        for f in b.get("fields", ()):
            if "String" in f:
                parts.append(_ident(f["String"].get("sval", "")))
            elif "A_Star" in f:
                parts.append("*")
            else:
                raise _Unsupported
        return ".".join(parts)
    if kind == "A_Const":
        if b.get("isnull"):
            return "NULL"
        if "ival" in b:
            return str(b["ival"].get("ival", 0))
        if "fval" in b:
            return str(b["fval"].get("fval", "0"))
        if "sval" in b:
            return _literal(str(b["sval"].get("sval", "")))
        if "boolval" in b:
            return "TRUE" if b["boolval"].get("boolval") else "FALSE"
        raise _Unsupported
    if kind == "FuncCall":
        if b.get("over") or b.get("agg_order") or b.get("agg_filter") or b.get("agg_within_group"):
            raise _Unsupported
        name = ".".join([_ident(x["String"]["sval"]) for x in b.get("funcname", ())])
        if b.get("agg_star"):
            return f"{name}(*)"
        args = ", ".join(_fast(a) for a in b.get("args", ()))
        return f"{name}({'DISTINCT ' if b.get('agg_distinct') else ''}{args})"
    if kind == "A_Expr":
        names = b.get("name", ())
        if b.get("kind") != "AEXPR_OP" or len(names) != 1:
            raise _Unsupported
        op = names[0]["String"]["sval"]
        right = _operand(b.get("rexpr"))
        if "lexpr" not in b:
            return f"{op}{right}"
        return f"{_operand(b['lexpr'])} {op} {right}"
    if kind == "BoolExpr":
        op = b.get("boolop")
        args = b.get("args", ())
        if op == "NOT_EXPR":
            return "NOT " + _operand(args[0])
        joiner = " AND " if op == "AND_EXPR" else " OR "
        return joiner.join(_bool_operand(a, op) for a in args)
    if kind == "TypeCast":
        return f"{_operand(b.get('arg'))}::{_type_text(b.get('typeName') or {})}"
    if kind == "NullTest":
        test = "IS NOT NULL" if b.get("nulltesttype") == "IS_NOT_NULL" else "IS NULL"
        return f"{_operand(b.get('arg'))} {test}"
    if kind == "SQLValueFunction" and b.get("op") in _SVF and b.get("typmod", -1) == -1:
        return _SVF[b["op"]]
    if kind == "A_ArrayExpr":
        return "ARRAY[" + ", ".join(_fast(e) for e in b.get("elements", ())) + "]"
    if kind == "SubLink" and b.get("subLinkType") == "EXPR_SUBLINK":
        sel = (b.get("subselect") or {}).get("SelectStmt")
        if not isinstance(sel, dict) or not set(sel) <= _SIMPLE_SELECT_KEYS or sel.get("op") != "SETOP_NONE":
            raise _Unsupported
        targets = []
        for t in sel.get("targetList", ()):
            rt = t.get("ResTarget", {})
            if rt.get("name"):
                raise _Unsupported
            targets.append(_fast(rt.get("val")))
        return "(SELECT " + ", ".join(targets) + ")"
    raise _Unsupported


def _operand(node: Any) -> str:
    text = _fast(node)
    if isinstance(node, dict) and ("A_Expr" in node or "BoolExpr" in node):
        return f"({text})"
    return text


def _bool_operand(node: Any, op: str) -> str:
    text = _fast(node)
    if isinstance(node, dict) and "BoolExpr" in node and node["BoolExpr"].get("boolop") != op:
        return f"({text})"
    return text


def to_sql(fragment: Any, type_name: str | None = None) -> str:
    """SQL text of a JSON fragment: a wrapped node (``{"FuncCall": {...}}``), a list of them (joined by
    ", "), or a bare struct of type ``type_name`` (``TypeName``, ``RangeVar``)."""
    if type_name is None and not isinstance(fragment, list):
        try:
            return _fast(fragment)
        except (_Unsupported, KeyError, IndexError, TypeError, AttributeError):
            pass
    try:
        if isinstance(fragment, list):
            return ", ".join(to_sql(x) for x in fragment)
        data = _node(type_name, fragment) if type_name is not None else _convert(fragment)
        if not isinstance(data, dict) or "@" not in data:
            return fallback_text(fragment)
        from pglast import ast
        from pglast.stream import RawStream

        node = getattr(ast, data["@"])(data)
        return str(RawStream()(node))
    except Exception:
        return fallback_text(fragment)
