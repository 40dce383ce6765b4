"""Names read from pglast's JSON parse trees, as PostgreSQL's ``to_regclass``, ``to_regprocedure`` and
``to_regtype`` read them (pure). ``None`` (or an empty list) for anything that cannot be named for certain:
a database-qualified name, ``%TYPE``, ``SETOF``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_CURRENT_ROLE_SPECS = {"ROLESPEC_CURRENT_USER", "ROLESPEC_CURRENT_ROLE", "ROLESPEC_SESSION_USER"}


def quote(part: str) -> str:
    return '"' + part.replace('"', '""') + '"'


def strings(items: Any) -> list[str] | None:
    """The values of a list of ``String`` nodes; None when any item is something else."""
    if not isinstance(items, list):
        return None
    out = [i.get("String", {}).get("sval") if isinstance(i, dict) else None for i in items]
    return [s for s in out if isinstance(s, str)] if all(isinstance(s, str) for s in out) else None


def list_strings(node: Any) -> list[str] | None:
    """The names of a ``{"List": {"items": [String...]}}`` node."""
    return strings((node or {}).get("List", {}).get("items")) if isinstance(node, dict) else None


def string(node: Any) -> str | None:
    value = node.get("String", {}).get("sval") if isinstance(node, dict) else None
    return value if isinstance(value, str) else None


def qualified(parts: list[str] | None) -> str | None:
    """``schema.name`` or ``name``, quoted; ``None`` for anything else (a database-qualified name)."""
    if not parts or len(parts) > 2:
        return None
    return ".".join(quote(p) for p in parts)


def rv_parts(rv: Any) -> list[str] | None:
    """The names of a RangeVar (``[schema, name]`` or ``[name]``)."""
    if not isinstance(rv, dict) or not isinstance(rv.get("relname"), str) or rv.get("catalogname"):
        return None
    return [rv["schemaname"], rv["relname"]] if rv.get("schemaname") else [rv["relname"]]


def type_name(tn: Any) -> str | None:
    if not isinstance(tn, dict) or tn.get("pct_type") or tn.get("setof"):
        return None
    parts = strings(tn.get("names"))
    if not parts or len(parts) > 2:
        return None
    return ".".join(quote(p) for p in parts) + "[]" * len(tn.get("arrayBounds") or [])


def signature(name: str, types: Iterable[Any]) -> str | None:
    printed = [type_name(t) for t in types]
    if any(p is None for p in printed):
        return None
    return f"{name}({', '.join(p for p in printed if p)})"


def function(owa: Any) -> str | None:
    """``to_regprocedure`` text of an ObjectWithArgs; the bare name when no argument list is given
    (``to_regproc`` then finds it only when it is not overloaded)."""
    if not isinstance(owa, dict):
        return None
    name = qualified(strings(owa.get("objname")))
    if name is None:
        return None
    if owa.get("args_unspecified"):
        return name
    return signature(name, [a.get("TypeName") for a in owa.get("objargs") or [] if isinstance(a, dict)])


def function_parts(owa: Any) -> list[str] | None:
    return strings(owa.get("objname")) if isinstance(owa, dict) else None


def type_parts(node: Any) -> list[str] | None:
    """Names of a type given as a TypeName, a List of names or a bare list of String nodes."""
    if isinstance(node, list):
        return strings(node)
    if isinstance(node, dict) and "TypeName" in node:
        tn = node["TypeName"]
        if tn.get("pct_type") or tn.get("setof") or tn.get("arrayBounds"):
            return None
        return strings(tn.get("names"))
    return list_strings(node)


def object_parts(obj: Any) -> list[str]:
    """The names of an object node: a List, a TypeName, an ObjectWithArgs or a String."""
    if not isinstance(obj, dict):
        return []
    if "ObjectWithArgs" in obj:
        return function_parts(obj["ObjectWithArgs"]) or []
    if "String" in obj:
        return [s] if (s := string(obj)) is not None else []
    return type_parts(obj) or []


def role_name(spec: Any) -> str | None:
    """The role a RoleSpec names; ``""`` for the current user (``CURRENT_USER``, ``CURRENT_ROLE``,
    ``SESSION_USER``: the same in a unit that does not change its role); None for ``PUBLIC``."""
    if not isinstance(spec, dict):
        return None
    if spec.get("roletype") == "ROLESPEC_CSTRING" and isinstance(spec.get("rolename"), str):
        return str(spec["rolename"])
    return "" if spec.get("roletype") in _CURRENT_ROLE_SPECS else None
