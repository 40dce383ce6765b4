"""Object identities as SQL would write them, for text output (pure).

An identity joins names with dots and does not quote them (``public.my.idx`` is the index ``"my.idx"`` of
schema ``public``, or an index ``idx`` of a schema ``"public.my"``): JSON output keeps identities as they
are (they are keys), text output shows each name quoted where SQL needs it, as ``quote_ident`` does:
``public."my.idx"``, ``public."Post".id``, ``public."user"``. The names are split with what the snapshots
know (their schemas and relations), so each part is right even when a name holds a dot; an identity that
cannot be split with certainty is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pgconsolidate.catalog.model import CatalogObject, Grant, Snapshot
from pgconsolidate.model.quoting import quote_ident

_DEFAULT = re.compile(r"(?P<what>[a-z ]+?) in (?P<schema>.+) by (?P<role>.+)")  # default privileges

# kinds whose identity is schema.name, and kinds whose identity is <table>.name
_QUALIFIED = frozenset(
    {
        "table",
        "view",
        "sequence",
        "enum",
        "domain",
        "composite type",
        "collation",
        "text search configuration",
        "text search dictionary",
        "range type",
        "managed table",
    }
)
_IN_TABLE = frozenset({"column", "constraint", "trigger", "policy", "rule"})
_BARE = frozenset(
    {"schema", "extension", "event trigger", "publication", "foreign data wrapper", "foreign server"}
)


class Namer:
    """Splits identities with the schemas and relations of the snapshots compared."""

    def __init__(self, snapshots: Iterable[Snapshot]) -> None:
        schemas: set[str] = set()
        relations: set[str] = set()
        for snap in snapshots:
            schemas.update(s.identity for s in snap.schemas)
            for kind in ("tables", "views", "sequences", "managed_tables"):
                relations.update(o.identity for o in snap.objects(kind))
            for kind in ("triggers", "policies"):  # also on tables of schemas not read (storage.objects)
                relations.update(str(getattr(o, "table", "")) for o in snap.objects(kind))
        self.schemas = frozenset(schemas)
        self.relations = frozenset(relations)

    def schema_of(self, identity: str) -> str | None:
        """The schema part of a ``schema.name`` identity: the longest schema the snapshots know that
        prefixes it; else the text before its first dot (a schema not read, such as ``storage``)."""
        known = [s for s in self.schemas if identity.startswith(s + ".") and len(identity) > len(s) + 1]
        if known:
            return max(known, key=len)
        head, dot, _ = identity.partition(".")
        return head if dot and head else None

    def qualified(self, identity: str, schema: str | None = None) -> str | None:
        schema = schema if schema is not None else self.schema_of(identity)
        if schema is None or not identity.startswith(schema + "."):
            return None
        return f"{quote_ident(schema)}.{quote_ident(identity[len(schema) + 1 :])}"

    def in_table(self, identity: str, table: str) -> str | None:
        shown = self.qualified(table)
        if shown is None or not identity.startswith(table + "."):
            return None
        return f"{shown}.{quote_ident(identity[len(table) + 1 :])}"

    def routine(self, identity: str) -> str | None:
        """``schema.name(argtypes)``: the argument types are already spelled by ``format_type``."""
        schema = self.schema_of(identity)
        if schema is None:
            return None
        rest = identity[len(schema) + 1 :]
        name, paren, args = rest.partition("(")
        if not paren or not name:
            return None
        return f"{quote_ident(schema)}.{quote_ident(name)}({args}"

    def column(self, identity: str) -> str | None:
        """``schema.table.column`` with the table found among the relations the snapshots know."""
        tables = [t for t in self.relations if identity.startswith(t + ".")]
        if not tables:
            schema = self.schema_of(identity)
            rest = identity[len(schema) + 1 :] if schema else ""
            table, dot, _ = rest.partition(".")
            if not dot:
                return None
            tables = [f"{schema}.{table}"]
        return self.in_table(identity, max(tables, key=len))

    def grant(self, g: Grant) -> str | None:
        kind = g.object_kind
        if kind in ("table", "view", "sequence", "type"):
            obj = self.qualified(g.object)
        elif kind in ("function", "procedure"):
            obj = self.routine(g.object)
        elif kind == "column":
            obj = self.column(g.object)
        elif kind == "schema":
            obj = quote_ident(g.object)
        elif kind == "default" and (m := _DEFAULT.fullmatch(g.object)) is not None:
            schema = m["schema"] if m["schema"] == "*" else quote_ident(m["schema"])
            obj = f"{m['what']} in {schema} by {quote_ident(m['role'])}"
        else:
            return None
        if obj is None:
            return None
        grantee = g.grantee if g.grantee in ("PUBLIC", "public") else quote_ident(g.grantee)
        return f"{kind} {obj} to {grantee}"

    def shown(self, obj: CatalogObject) -> str:
        """``obj``'s identity with its names quoted where SQL needs it (the identity itself when it
        cannot be split with certainty)."""
        kind, identity = obj.kind, obj.identity
        out: str | None = None
        if kind in _QUALIFIED:
            out = self.qualified(identity)
        elif kind in ("index", "statistics"):  # in the schema of their table
            out = self.qualified(identity, self.schema_of(str(getattr(obj, "table", ""))))
        elif kind in _IN_TABLE:
            out = self.in_table(identity, str(getattr(obj, "table", "")))
        elif kind == "function":
            out = self.routine(identity)
        elif kind in _BARE:
            out = quote_ident(identity)
        elif isinstance(obj, Grant):
            out = self.grant(obj)
        return identity if out is None else out
