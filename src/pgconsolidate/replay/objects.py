"""What a statement would create, and what an error message says is missing (pure).

Both sides speak in :class:`Key` values — a namespace (relation, type, function, column, schema, extension,
policy, trigger, constraint, opclass) with an optional schema and a lower-cased name — so that a failure
("relation "memories" does not exist") can be matched to the earlier failed statement that would have
created the object (``CREATE TABLE memories``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Objects that well-known extensions create, by extension name: (namespace, name). Schema-less: an
# extension's objects live wherever it was created.
EXTENSION_OBJECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "vector": tuple(("type", t) for t in ("vector", "halfvec", "sparsevec"))
    + tuple(
        ("opclass", o) for o in ("vector_cosine_ops", "vector_l2_ops", "vector_ip_ops", "halfvec_cosine_ops")
    )
    + tuple(("function", f) for f in ("cosine_distance", "l2_distance", "inner_product", "vector_dims")),
    "http": tuple(("type", t) for t in ("http_request", "http_response", "http_header", "http_method"))
    + tuple(
        ("function", f)
        for f in (
            "http",
            "http_get",
            "http_post",
            "http_put",
            "http_patch",
            "http_delete",
            "http_head",
            "http_header",
            "urlencode",
            "http_set_curlopt",
        )
    ),
    "pg_net": (
        ("schema", "net"),
        ("function", "http_get"),
        ("function", "http_post"),
        ("function", "http_delete"),
    ),
    "uuid-ossp": tuple(
        ("function", f)
        for f in (
            "uuid_generate_v1",
            "uuid_generate_v1mc",
            "uuid_generate_v3",
            "uuid_generate_v4",
            "uuid_generate_v5",
            "uuid_nil",
            "uuid_ns_dns",
            "uuid_ns_url",
            "uuid_ns_oid",
            "uuid_ns_x500",
        )
    ),
    "pgcrypto": tuple(
        ("function", f)
        for f in (
            "digest",
            "hmac",
            "crypt",
            "gen_salt",
            "gen_random_bytes",
            "pgp_sym_encrypt",
            "pgp_sym_decrypt",
            "pgp_pub_encrypt",
            "pgp_pub_decrypt",
            "armor",
            "dearmor",
            "encrypt",
            "decrypt",
        )
    ),
    "pg_trgm": (
        ("opclass", "gin_trgm_ops"),
        ("opclass", "gist_trgm_ops"),
        ("function", "similarity"),
        ("function", "word_similarity"),
        ("function", "show_trgm"),
    ),
    "citext": (("type", "citext"),),
    "hstore": (("type", "hstore"),),
    "ltree": (("type", "ltree"), ("type", "lquery")),
    "postgis": (("type", "geometry"), ("type", "geography"), ("function", "st_distance")),
    "pg_cron": (("schema", "cron"),),
    "pgsodium": (("schema", "pgsodium"),),
    "supabase_vault": (("schema", "vault"),),
    "pg_graphql": (("schema", "graphql"),),
    "pgmq": (("schema", "pgmq"),),
    "pgjwt": (("function", "sign"), ("function", "verify"), ("function", "url_encode")),
    "fuzzystrmatch": tuple(
        ("function", f) for f in ("levenshtein", "soundex", "difference", "metaphone", "dmetaphone")
    ),
    "unaccent": (("function", "unaccent"),),
    "pg_jsonschema": (("function", "json_matches_schema"), ("function", "jsonb_matches_schema")),
    "tablefunc": (("function", "crosstab"), ("function", "normal_rand"), ("function", "connectby")),
    "cube": (("type", "cube"),),
    "earthdistance": (("function", "ll_to_earth"), ("function", "earth_distance"), ("type", "earth")),
    "pgroonga": (("opclass", "pgroonga_text_full_text_search_ops_v2"),),
    "btree_gist": tuple(
        ("opclass", f"gist_{t}_ops") for t in ("int4", "int8", "text", "timestamptz", "uuid")
    ),
    "btree_gin": tuple(("opclass", f"{t}_ops") for t in ("int4", "int8", "text")),
    "intarray": (("opclass", "gin__int_ops"), ("opclass", "gist__int_ops")),
}


#: a created :class:`Key`'s name meaning "every object of this namespace in its schema"
ANY_NAME = "*"
#: schemas that hold more than one extension's (or the project's own) objects
_SHARED_SCHEMAS = frozenset({"public", "extensions", "pg_catalog"})


def _option(options: list[Any], name: str) -> str | None:
    """The string value of the ``name`` option (a DefElem) among ``options``, or None."""
    for o in options:
        d = o.get("DefElem", {}) if isinstance(o, dict) else {}
        if d.get("defname") == name:
            return _s(d.get("arg")) or None
    return None


@dataclass(frozen=True)
class Key:
    """An object named by a statement or an error. ``schema`` None means "any schema"; for columns
    ``name`` is ``table.column`` (``*.column`` when the error does not say which table)."""

    namespace: str
    name: str
    schema: str | None = None

    def matches(self, created: Key) -> bool:
        if self.namespace != created.namespace:
            return False
        if created.name == ANY_NAME:  # everything of an extension's own schema: only a qualified name
            return self.schema is not None and self.schema == created.schema
        if self.namespace == "column":
            table, _, col = self.name.rpartition(".")
            c_table, _, c_col = created.name.rpartition(".")
            if col != c_col or (table != "*" and c_table != "*" and table != c_table):
                return False
        elif self.name != created.name:
            return False
        return self.schema is None or created.schema is None or self.schema == created.schema


def _s(node: Any) -> str:
    if isinstance(node, dict) and "String" in node:
        return str(node["String"].get("sval", ""))
    return ""


def _names(items: list[Any]) -> tuple[str | None, str]:
    parts = [_s(i) for i in items]
    if len(parts) >= 2:
        return parts[-2].lower(), parts[-1].lower()
    return None, (parts[-1].lower() if parts else "")


def _rel(rel: dict[str, Any]) -> tuple[str | None, str]:
    schema = rel.get("schemaname")
    return (schema.lower() if schema else None), str(rel.get("relname", "")).lower()


def _default(schema: str | None) -> str:
    return schema or "public"


def created_by(node: dict[str, Any] | None, text: str = "") -> tuple[Key, ...]:
    """The objects a statement would create (or add: ``ALTER TABLE ... ADD COLUMN``)."""
    if not node:
        return _created_by_text(text)
    kind, body = next(iter(node.items()))
    keys: list[Key] = []
    if kind == "CreateStmt":
        schema, name = _rel(body.get("relation", {}))
        keys += [Key("relation", name, _default(schema)), Key("type", name, _default(schema))]
        for elt in body.get("tableElts", []):
            col = elt.get("ColumnDef") if isinstance(elt, dict) else None
            if col:
                keys.append(Key("column", f"{name}.{str(col.get('colname', '')).lower()}", _default(schema)))
                cons = [c.get("Constraint", {}) for c in col.get("constraints", []) if isinstance(c, dict)]
            else:
                cons = [elt.get("Constraint", {})] if isinstance(elt, dict) else []
            keys += [_on("constraint", name, c["conname"]) for c in cons if c.get("conname")]
    elif kind == "CreateTableAsStmt":
        schema, name = _rel(body.get("into", {}).get("rel", {}))
        keys += [Key("relation", name, _default(schema)), Key("type", name, _default(schema))]
    elif kind == "ViewStmt":
        schema, name = _rel(body.get("view", {}))
        keys += [Key("relation", name, _default(schema)), Key("type", name, _default(schema))]
    elif kind == "IndexStmt" and body.get("idxname"):
        schema, _ = _rel(body.get("relation", {}))
        keys.append(Key("relation", str(body["idxname"]).lower(), _default(schema)))
    elif kind == "CreateSeqStmt":
        schema, name = _rel(body.get("sequence", {}))
        keys.append(Key("relation", name, _default(schema)))
    elif kind == "CompositeTypeStmt":
        schema, name = _rel(body.get("typevar", {}))
        keys += [Key("type", name, _default(schema)), Key("relation", name, _default(schema))]
    elif kind in ("CreateEnumStmt", "CreateRangeStmt"):
        schema, name = _names(body.get("typeName", []))
        keys.append(Key("type", name, _default(schema)))
    elif kind == "CreateDomainStmt":
        schema, name = _names(body.get("domainname", []))
        keys.append(Key("type", name, _default(schema)))
    elif kind == "CreateFunctionStmt":
        schema, name = _names(body.get("funcname", []))
        keys.append(Key("function", name, _default(schema)))
    elif kind == "CreateSchemaStmt":
        keys.append(Key("schema", str(body.get("schemaname", "")).lower()))
    elif kind == "CreateExtensionStmt":
        ext = str(body.get("extname", "")).lower()
        keys.append(Key("extension", ext))
        keys += [Key(ns, name) for ns, name in EXTENSION_OBJECTS.get(ext, ())]
        # many extensions are named after the function they provide (moddatetime, unaccent, autoinc,
        # insert_username): a missing function of that name comes from the extension
        keys.append(Key("function", ext))
        # CREATE EXTENSION x WITH SCHEMA s (s not a shared schema): whatever the chain then names in s
        # (partman.create_parent, ...) comes from the extension
        own = _option(body.get("options", []), "schema")
        if own and own.lower() not in _SHARED_SCHEMAS:
            keys += [Key(ns, ANY_NAME, own.lower()) for ns in ("function", "type", "relation")]
    elif kind == "AlterTableStmt":
        schema, name = _rel(body.get("relation", {}))
        for cmd in body.get("cmds", []):
            c = cmd.get("AlterTableCmd", {}) if isinstance(cmd, dict) else {}
            if c.get("subtype") == "AT_AddColumn":
                col = c.get("def", {}).get("ColumnDef", {})
                keys.append(Key("column", f"{name}.{str(col.get('colname', '')).lower()}", _default(schema)))
            elif c.get("subtype") == "AT_AddConstraint":
                con = c.get("def", {}).get("Constraint", {})
                if con.get("conname"):
                    keys.append(Key("constraint", str(con["conname"]).lower()))
                    keys.append(_on("constraint", name, con["conname"]))
    elif kind == "RenameStmt" and body.get("newname"):
        schema, name = _rel(body.get("relation", {}))
        new = str(body["newname"]).lower()
        if body.get("renameType") == "OBJECT_COLUMN":
            keys.append(Key("column", f"{name}.{new}", _default(schema)))
        elif body.get("renameType") in ("OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_INDEX"):
            keys.append(Key("relation", new, _default(schema)))
        elif body.get("renameType") == "OBJECT_FUNCTION":
            keys.append(Key("function", new))
        elif body.get("renameType") == "OBJECT_SCHEMA":
            keys.append(Key("schema", new))
    elif kind == "CreatePolicyStmt":
        keys.append(Key("policy", str(body.get("policy_name", "")).lower()))
        keys.append(_on("policy", _rel(body.get("table", {}))[1], body.get("policy_name", "")))
    elif kind == "CreateTrigStmt":
        keys.append(Key("trigger", str(body.get("trigname", "")).lower()))
        keys.append(_on("trigger", _rel(body.get("relation", {}))[1], body.get("trigname", "")))
    return tuple(keys)


def _on(kind: str, table: str, name: object) -> Key:
    """A policy, trigger or constraint named with its table (``policy-on``, ``table.name``): their names
    are unique per table only, and PostgreSQL's "already exists" errors name both."""
    return Key(f"{kind}-on", f"{table}.{str(name).lower()}")


_DROPPED_RELATIONS = frozenset(
    (
        "OBJECT_TABLE",
        "OBJECT_VIEW",
        "OBJECT_MATVIEW",
        "OBJECT_INDEX",
        "OBJECT_SEQUENCE",
        "OBJECT_FOREIGN_TABLE",
    )
)


def _dropped(body: dict[str, Any]) -> list[Key]:
    kind = body.get("removeType")
    keys: list[Key] = []
    for obj in body.get("objects", []):
        if not isinstance(obj, dict):
            continue
        if "List" in obj:
            parts = [_s(i).lower() for i in obj["List"].get("items", [])]
        elif "String" in obj:
            parts = [_s(obj).lower()]
        elif "TypeName" in obj:
            parts = [_s(i).lower() for i in obj["TypeName"].get("names", [])]
        elif "ObjectWithArgs" in obj:
            parts = [_s(i).lower() for i in obj["ObjectWithArgs"].get("objname", [])]
        else:
            continue
        if not parts:
            continue
        schema = parts[-2] if len(parts) >= 2 else None
        if kind in _DROPPED_RELATIONS:
            keys.append(Key("relation", parts[-1], _default(schema)))
        elif kind in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
            keys.append(Key("type", parts[-1], _default(schema)))
        elif kind in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
            keys.append(Key("function", parts[-1], _default(schema)))
        elif kind == "OBJECT_SCHEMA":
            keys.append(Key("schema", parts[-1]))
        elif kind == "OBJECT_EXTENSION":
            keys.append(Key("extension", parts[-1]))
        elif kind in ("OBJECT_POLICY", "OBJECT_TRIGGER"):
            keys.append(Key(kind[7:].lower(), parts[-1]))
    return keys


def removed_by(node: dict[str, Any] | None) -> tuple[Key, ...]:
    """The objects a statement drops, or renames away (the old name of ``ALTER ... RENAME``), so that a
    later "does not exist" can be traced to the statement that removed the object."""
    if not node:
        return ()
    kind, body = next(iter(node.items()))
    if kind == "DropStmt":
        return tuple(_dropped(body))
    keys: list[Key] = []
    if kind == "AlterTableStmt":
        schema, name = _rel(body.get("relation", {}))
        for cmd in body.get("cmds", []):
            c = cmd.get("AlterTableCmd", {}) if isinstance(cmd, dict) else {}
            if c.get("subtype") == "AT_DropColumn" and c.get("name"):
                keys.append(Key("column", f"{name}.{str(c['name']).lower()}", _default(schema)))
            elif c.get("subtype") == "AT_DropConstraint" and c.get("name"):
                keys.append(Key("constraint", str(c["name"]).lower()))
    elif kind == "RenameStmt" and body.get("newname"):
        schema, name = _rel(body.get("relation", {}))
        rtype = body.get("renameType")
        if rtype == "OBJECT_COLUMN" and body.get("subname"):
            keys.append(Key("column", f"{name}.{str(body['subname']).lower()}", _default(schema)))
        elif rtype == "OBJECT_TABCONSTRAINT" and body.get("subname"):
            keys.append(Key("constraint", str(body["subname"]).lower()))
        elif rtype in ("OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_INDEX", "OBJECT_SEQUENCE"):
            keys += [Key("relation", name, _default(schema))]
            if rtype == "OBJECT_TABLE":
                keys.append(Key("type", name, _default(schema)))
    return tuple(keys)


_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
_QUALIFIED = rf"(?P<name>{_IDENT}(?:\s*\.\s*{_IDENT})?)"
_CREATE_TEXT = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?"
    r"(?P<kind>TABLE|VIEW|MATERIALIZED\s+VIEW|SEQUENCE|FUNCTION|PROCEDURE|TYPE|DOMAIN|SCHEMA|EXTENSION|"
    r"(?:UNIQUE\s+)?INDEX(?:\s+CONCURRENTLY)?)\s+(?:IF\s+NOT\s+EXISTS\s+)?" + _QUALIFIED,
    re.IGNORECASE,
)


def _unquote(part: str) -> str:
    part = part.strip()
    return part[1:-1].replace('""', '"') if part.startswith('"') else part.lower()


def _split_qualified(name: str) -> tuple[str | None, str]:
    parts = [_unquote(p) for p in re.findall(_IDENT, name)]
    return (parts[-2] if len(parts) > 1 else None), (parts[-1] if parts else "")


def _created_by_text(text: str) -> tuple[Key, ...]:
    """Best effort for a statement that does not parse: its CREATE header."""
    m = _CREATE_TEXT.match(text)
    if not m:
        return ()
    kind = " ".join(m["kind"].upper().split())
    schema, name = _split_qualified(m["name"])
    if kind in ("TABLE", "VIEW", "MATERIALIZED VIEW"):  # and its row type (``returns setof t``)
        return (Key("relation", name, _default(schema)), Key("type", name, _default(schema)))
    if kind == "SEQUENCE" or "INDEX" in kind:
        return (Key("relation", name, _default(schema)),)
    if kind in ("FUNCTION", "PROCEDURE"):
        return (Key("function", name, _default(schema)),)
    if kind in ("TYPE", "DOMAIN"):
        return (Key("type", name, _default(schema)),)
    if kind == "SCHEMA":
        return (Key("schema", name),)
    return (Key("extension", name.lower()),)


_MISSING = (
    (re.compile(r'column "(?P<col>[^"]+)" of relation "(?P<rel>[^"]+)" does not exist'), "column"),
    (re.compile(r'column "(?P<col>[^"]+)" does not exist'), "column"),
    (re.compile(r"column (?P<rel>[\w$]+)\.(?P<col>[\w$]+) does not exist"), "column-alias"),
    (
        re.compile(
            r'(?:relation|table|view|materialized view|sequence|index) "(?P<name>[^"]+)" does not exist'
        ),
        "relation",
    ),
    (re.compile(r'type "(?P<name>[^"]+)" does not exist'), "type"),
    (re.compile(r'schema "(?P<name>[^"]+)" does not exist'), "schema"),
    (re.compile(r"(?:function|procedure) (?P<name>[^\s(]+)\((?P<args>.*)\) does not exist"), "function"),
    # GRANT/REVOKE/COMMENT ON FUNCTION f (no argument list) when no f exists
    (re.compile(r'could not find a (?:function|procedure|routine) named "(?P<name>[^"]+)"'), "function"),
    (re.compile(r'policy "(?P<name>[^"]+)" for (?:table|relation) "[^"]+" does not exist'), "policy"),
    (re.compile(r'trigger "(?P<name>[^"]+)" for (?:table|relation) "[^"]+" does not exist'), "trigger"),
    (re.compile(r'constraint "(?P<name>[^"]+)" of relation "[^"]+" does not exist'), "constraint"),
    (re.compile(r'operator class "(?P<name>[^"]+)" does not exist'), "opclass"),
    (re.compile(r'extension "(?P<name>[^"]+)" does not exist'), "extension"),
)


def missing_objects(message: str) -> tuple[Key, ...]:
    """The objects PostgreSQL's error message says are missing (empty for other errors)."""
    for pattern, namespace in _MISSING:
        m = pattern.search(message)
        if not m:
            continue
        if namespace == "column":
            rel = m.groupdict().get("rel")
            if rel:
                schema, table = _split_qualified(rel)
                return (Key("column", f"{table}.{m['col'].lower()}", schema),)
            return (Key("column", f"*.{m['col'].lower()}"),)
        if namespace == "column-alias":
            return (Key("column", f"*.{m['col'].lower()}"),)
        schema, name = _split_qualified(m["name"]) if namespace != "extension" else (None, m["name"])
        if namespace in ("policy", "trigger", "constraint", "opclass"):
            schema, name = None, m["name"].lower()
        return (Key(namespace, name, schema),)
    return ()


def already_existing(message: str) -> tuple[Key, ...]:
    """The object an "already exists" error names (a trigger's, policy's or constraint's error names its
    table too: ``trigger "t" for relation "items" already exists`` is about the trigger)."""
    m = re.search(r'(policy|trigger|constraint) "([^"]+)" for (?:table |relation )"([^"]+)" already', message)
    if m:
        return (Key(f"{m[1]}-on", f"{m[3].lower()}.{m[2].lower()}"),)
    m = re.search(r'(relation|type|schema|extension) "([^"]+)" already exists', message)
    if m:
        schema, name = _split_qualified(m[2]) if m[1] != "extension" else (None, m[2])
        return (Key(m[1], name, schema),)
    m = re.search(r"function (?P<name>[^\s(]+)\(", message) or re.search(
        r'(?:function|procedure|routine) (?P<name>"[^"]+"(?:\."[^"]+")?)', message
    )
    if m and "already exists" in message:
        schema, name = _split_qualified(m["name"])
        return (Key("function", name, schema),)
    m = re.search(r'(policy|trigger|constraint) "([^"]+)" for', message)
    if m and "already exists" in message:
        return (Key(m[1], m[2].lower()),)
    return ()
