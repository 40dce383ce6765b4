"""Turn fragments of libpg_query's JSON trees back into SQL text (expressions, queries, types).

The fast path of the model never builds pglast node objects; only the few fragments whose text we keep
(defaults, policy expressions, check constraints, view queries) are converted to ``pglast.ast`` nodes and
printed with ``RawStream``. The printed text is canonical (PostgreSQL's own keywords and spacing), so two
definitions that differ only in layout or comments compare equal. Never raises: on any failure a stable
JSON rendering of the fragment (without locations) is returned instead.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pglast import ast
from pglast.stream import RawStream

_CONST = {"ival": "Integer", "fval": "Float", "sval": "String", "bsval": "BitString", "boolval": "Boolean"}
_ZERO: dict[str, Any] = {"ival": 0, "fval": "0", "sval": "", "bsval": "", "boolval": False}
_GENERIC = {"Node*", "List*", "char*", "Expr*"}


@cache
def _struct_fields(cls_name: str) -> dict[str, str]:
    """Fields of ``cls_name`` that hold a specific node type without a JSON wrapper: name → type."""
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


def to_sql(fragment: Any, type_name: str | None = None) -> str:
    """SQL text of a JSON fragment: a wrapped node (``{"FuncCall": {...}}``), a list of them (joined by
    ", "), or a bare struct of type ``type_name`` (``TypeName``, ``RangeVar``)."""
    try:
        if isinstance(fragment, list):
            return ", ".join(to_sql(x) for x in fragment)
        data = _node(type_name, fragment) if type_name is not None else _convert(fragment)
        if not isinstance(data, dict) or "@" not in data:
            return fallback_text(fragment)
        node = getattr(ast, data["@"])(data)
        return str(RawStream()(node))
    except Exception:
        return fallback_text(fragment)
