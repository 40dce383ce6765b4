"""The clean migration set: one idempotent file per domain, in dependency order (pure).

Input is ``pg_dump --schema-only`` text of a database in the consolidated state (the exact DDL
PostgreSQL itself prints) plus, optionally, ``--data-only --inserts --on-conflict-do-nothing`` text for
the reference tables. Each dump entry (``-- Name: …; Type: …``) becomes idempotent (``IF NOT EXISTS``,
``OR REPLACE``, or a ``DO`` block that tolerates "already exists"), is assigned to a domain of the plan,
and moves to a later domain when it names an object that an earlier entry placed there, so every file
only needs what earlier files (or earlier entries of the same file) created.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from psycopg import sql

from pgconsolidate.generate.render import comment_block, dollar_tag, qualified, render
from pgconsolidate.model.types import ObjectKind, Schema
from pgconsolidate.plan.model import Domain
from pgconsolidate.statements.split import split_sql

_HEADER = re.compile(
    r"^--\n-- (?:Data for )?Name: (?P<name>.*?); Type: (?P<type>.*?); Schema: (?P<schema>.*?); "
    r"Owner: .*\n--\n",
    re.MULTILINE,
)
_WORD = re.compile(r'"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)')

KIND_OF_TYPE = {
    "EXTENSION": "extension",
    "SCHEMA": "schema",
    "POLICY": "policy",
    "ACL": "grant",
    "DEFAULT ACL": "default acl",
    "ROW SECURITY": "row security",
    "TABLE DATA": "data",
}
OBJECT_TYPES = ("TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE", "TYPE", "DOMAIN", "FUNCTION", "PROCEDURE")
GUARD_ERRORS = "duplicate_object OR duplicate_table OR duplicate_function OR invalid_table_definition"


@dataclass(frozen=True)
class DumpEntry:
    """One object of a pg_dump script."""

    name: str
    type: str
    schema: str
    sql: str
    note: str = ""  # said in the clean set under the entry's label (one line)

    @property
    def object_name(self) -> str:
        """The unqualified name used for domain patterns (``memories`` for ``memories memories_pkey``)."""
        n = self.name
        for prefix in (
            "TABLE ",
            "FUNCTION ",
            "COLUMN ",
            "SCHEMA ",
            "SEQUENCE ",
            "VIEW ",
            "TYPE ",
            "PROCEDURE ",
        ):
            if n.startswith(prefix):
                n = n[len(prefix) :]
        n = n.split("(")[0].split(" ")[0]
        return n.split(".")[0].strip('"')

    @property
    def defines(self) -> str | None:
        """The name of the object this entry creates, when other entries can depend on it by name."""
        return self.name.split("(")[0].strip('"') if self.type in OBJECT_TYPES else None


def split_dump(text: str) -> list[DumpEntry]:
    """The entries of a plain pg_dump script (psql meta-commands and session settings dropped)."""
    text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("\\"))
    matches = list(_HEADER.finditer(text))
    out: list[DumpEntry] = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[m.end() : end].strip()
        body = re.sub(r"\n--\n-- PostgreSQL database dump complete\n--\s*$", "", body).strip()
        if body:
            out.append(DumpEntry(m["name"], m["type"], m["schema"], body))
    return out


@dataclass(frozen=True)
class ExtensionStandIn:
    """An extension that the scratch server stood in for while the consolidated schema was built:
    ``schema`` is the extension's own (``WITH SCHEMA``; pg_net's functions live in ``net`` whatever it is);
    ``objects`` (``schema.name``, schema names) are the stand-in's, not the project's; ``create`` is
    False when the platform provides the extension (the Supabase base) rather than the project."""

    extension: str
    schema: str
    objects: tuple[str, ...]
    create: bool = True
    note: str = ""  # what the stand-in computes and what raises


def _entry_object(e: DumpEntry) -> str:
    if e.schema in ("-", ""):
        return e.object_name
    return f"{e.schema}.{e.object_name}"


def _leading(e: DumpEntry) -> bool:
    """Schemas, extensions and their comments: what pg_dump puts first."""
    return e.type in ("SCHEMA", "EXTENSION") or (
        e.type == "COMMENT" and e.name.startswith(("SCHEMA ", "EXTENSION "))
    )


def replace_stand_ins(entries: list[DumpEntry], stand_ins: tuple[ExtensionStandIn, ...]) -> list[DumpEntry]:
    """``entries`` without the stand-ins' objects (their functions, types, comments, grants, their own
    schema), with ``CREATE EXTENSION IF NOT EXISTS`` for each stood-in extension the project asked for,
    placed after the schemas (where pg_dump puts extensions)."""
    names = {o for s in stand_ins for o in s.objects}
    kept = [e for e in entries if _entry_object(e) not in names]
    creates: list[DumpEntry] = []
    for s in stand_ins:
        if not s.create:
            continue
        stmt = sql.SQL("CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {};").format(
            sql.Identifier(s.extension), sql.Identifier(s.schema)
        )
        creates.append(DumpEntry(s.extension, "EXTENSION", "-", stmt.as_string(None)))
    at = 0
    while at < len(kept) and _leading(kept[at]):
        at += 1
    return kept[:at] + creates + kept[at:]


def _extension_of(entry_sql: str) -> tuple[str, str | None] | None:
    """(extension, ``WITH SCHEMA``) of a dump's ``CREATE EXTENSION`` entry."""
    for st in split_sql("dump", entry_sql).statements:
        if st.kind == "CreateExtensionStmt":
            schema = None
            for opt in st.body.get("options", []):
                d = opt.get("DefElem", {}) if isinstance(opt, dict) else {}
                if d.get("defname") == "schema":
                    schema = d.get("arg", {}).get("String", {}).get("sval")
            return str(st.body.get("extname", "")), schema
    return None


def created_extensions(
    model: Schema, schema_dump: str = "", stand_ins: tuple[ExtensionStandIn, ...] = ()
) -> tuple[tuple[str, str], ...]:
    """(extension, schema) of every extension the chain creates and keeps, in the order it first
    created them, that the consolidated database has: in its dump (``schema_dump``, all of it, the
    platform's entries too: a platform that preinstalled it in ``extensions`` kept it there) or stood in
    for (``stand_ins``: in the stand-in's schema). An extension the scratch server lacks entirely is left
    out: the proof could not build it (nor what needs it, which the report lists as not proven)."""
    actual: dict[str, str] = {}
    for e in split_dump(schema_dump) if schema_dump else []:
        if e.type == "EXTENSION" and (found := _extension_of(e.sql)) and found[1]:
            actual[found[0]] = found[1]
    for s in stand_ins:
        actual.setdefault(s.extension, s.schema)
    out: list[tuple[str, str]] = []
    for state in model.of_kind(ObjectKind.EXTENSION):
        if state.external or state.created is None:
            continue
        name = str(getattr(state.detail, "name", "") or state.id)
        if name in actual:
            out.append((name, actual[name]))
    return tuple(out)


def recreate_extensions(
    entries: list[DumpEntry],
    extensions: Sequence[tuple[str, str]],
    stand_ins: tuple[ExtensionStandIn, ...] = (),
) -> list[DumpEntry]:
    """``entries`` with a ``CREATE EXTENSION IF NOT EXISTS ... WITH SCHEMA`` for every extension the chain
    created that they lack: one the platform preinstalls (``uuid-ossp`` in ``extensions`` on Supabase,
    left out of the dump as the base's), one the scratch server stood in for or lacked. Placed after the
    schemas, before anything that could use them. A stood-in extension keeps the stand-in's schema (where
    the proof found its functions)."""
    have = {found[0] for e in entries if e.type == "EXTENSION" and (found := _extension_of(e.sql))}
    stood = {s.extension: s.schema for s in stand_ins}
    creates: list[DumpEntry] = []
    for name, schema in extensions:
        if name in have:
            continue
        have.add(name)
        stmt = sql.SQL("CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {};").format(
            sql.Identifier(name), sql.Identifier(stood.get(name, schema))
        )
        creates.append(DumpEntry(name, "EXTENSION", "-", stmt.as_string(None)))
    if not creates:
        return entries
    at = 0
    while at < len(entries) and _is_schema(entries[at]):
        at += 1
    return entries[:at] + creates + entries[at:]


def _is_schema(e: DumpEntry) -> bool:
    return e.type == "SCHEMA" or (e.type == "COMMENT" and e.name.startswith("SCHEMA "))


def _schema_named(e: DumpEntry) -> str | None:
    """The schema a ``CREATE EXTENSION ... WITH SCHEMA`` or ``ALTER DEFAULT PRIVILEGES IN SCHEMA`` entry
    needs (None: none of the dump's)."""
    m = re.search(r"\b(?:WITH|IN) SCHEMA (\S+?)[ ;]", e.sql)
    return m.group(1).strip('"') if m else None


def hoist(entries: list[DumpEntry], idx: list[int], types: tuple[str, ...]) -> list[int]:
    """``idx`` with entries of ``types`` (extensions, default privileges) moved to a domain no later than
    any entry after them (so they run before first use), but not before the domain that creates the schema
    they name."""
    out = list(idx)
    schema_at = {e.name.strip('"'): out[i] for i, e in enumerate(entries) if e.type == "SCHEMA"}
    after = [len(entries)] * (len(entries) + 1)  # the lowest domain of the entries after i (not hoisted)
    for i in range(len(entries) - 1, -1, -1):
        after[i] = after[i + 1] if entries[i].type in types else min(after[i + 1], out[i])
    for i, e in enumerate(entries):
        if e.type not in types:
            continue
        target = min(out[i], after[i + 1])
        needed = schema_at.get(_schema_named(e) or "")
        out[i] = max(target, needed) if needed is not None else target
    return out


def _guard(stmt: str, also: str = "") -> str:
    tag = dollar_tag(stmt)
    return (
        f"DO {tag}\nBEGIN\n{stmt.rstrip().rstrip(';')};\n"
        f"EXCEPTION WHEN {GUARD_ERRORS} OR object_not_in_prerequisite_state{also} THEN NULL;\nEND\n{tag};"
    )


def _text_search(kind: str, body: dict[str, Any]) -> bool:
    """A text search configuration or dictionary, or a configuration's mapping: run again, PostgreSQL
    reports the catalog row already there as unique_violation, not duplicate_object (and these
    statements write no table, so that is all unique_violation can mean here)."""
    if kind == "AlterTSConfigurationStmt":
        return True
    return kind == "DefineStmt" and body.get("kind") in ("OBJECT_TSCONFIGURATION", "OBJECT_TSDICTIONARY")


def _attached_partition(kind: str, body: dict[str, Any]) -> sql.Composable | None:
    """The partition an ``ALTER TABLE ... ATTACH PARTITION p`` (its only command) attaches, else None."""
    if kind != "AlterTableStmt":
        return None
    cmds = body.get("cmds", [])
    if len(cmds) != 1 or cmds[0].get("AlterTableCmd", {}).get("subtype") != "AT_AttachPartition":
        return None
    rel = cmds[0]["AlterTableCmd"].get("def", {}).get("PartitionCmd", {}).get("name", {})
    if "relname" not in rel:
        return None
    parts = [rel["schemaname"], rel["relname"]] if rel.get("schemaname") else [rel["relname"]]
    return sql.Identifier(*parts)


def _guard_attach(stmt: str, partition: sql.Composable) -> str:
    """ATTACH PARTITION run only while the table is not a partition yet: a second run raises
    'is already a partition' (wrong_object_type), which the generic guard does not catch."""
    tag = dollar_tag(stmt)
    check = sql.SQL(
        "IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = {}::pg_catalog.regclass) THEN"
    ).format(sql.Literal(partition.as_string(None)))
    return f"DO {tag}\nBEGIN\n{check.as_string(None)}\n{stmt.rstrip().rstrip(';')};\nEND IF;\nEND\n{tag};"


_REPLACEMENTS = {
    "CreateStmt": (r"^CREATE (UNLOGGED )?TABLE (?!IF NOT EXISTS)", r"CREATE \1TABLE IF NOT EXISTS "),
    "CreateFunctionStmt": (r"^CREATE (FUNCTION|PROCEDURE) ", r"CREATE OR REPLACE \1 "),
    "IndexStmt": (r"^CREATE (UNIQUE )?INDEX (?!IF NOT EXISTS)", r"CREATE \1INDEX IF NOT EXISTS "),
    "CreateSeqStmt": (r"^CREATE SEQUENCE (?!IF NOT EXISTS)", "CREATE SEQUENCE IF NOT EXISTS "),
    "CreateSchemaStmt": (r"^CREATE SCHEMA (?!IF NOT EXISTS)", "CREATE SCHEMA IF NOT EXISTS "),
    "CreateTrigStmt": (r"^CREATE TRIGGER ", "CREATE OR REPLACE TRIGGER "),  # constraint triggers: guarded
    "CreateExtensionStmt": (r"^CREATE EXTENSION (?!IF NOT EXISTS)", "CREATE EXTENSION IF NOT EXISTS "),
}
_IDEMPOTENT_ALTERS = {
    "AT_EnableRowSecurity",
    "AT_DisableRowSecurity",
    "AT_ForceRowSecurity",
    "AT_NoForceRowSecurity",
    "AT_ColumnDefault",
    "AT_SetNotNull",
    "AT_DropNotNull",
    "AT_ReplicaIdentity",
    "AT_SetStatistics",
    "AT_SetStorage",
    "AT_SetRelOptions",
    "AT_ClusterOn",
}
_AS_IS = {
    "GrantStmt",
    "CommentStmt",
    "AlterSeqStmt",
    "VariableSetStmt",
    "AlterDefaultPrivilegesStmt",
    "SelectStmt",
}


def idempotent(entry_sql: str, where: str) -> str:
    """The entry's statements rewritten so that running them twice is harmless."""
    fs = split_sql(where, entry_sql)
    out: list[str] = []
    for st in fs.statements:
        text = st.text.strip().rstrip(";").strip()
        if st.kind == "CreateTrigStmt" and text.startswith("CREATE CONSTRAINT TRIGGER"):
            out.append(_guard(text))
            continue
        attached = _attached_partition(st.kind, st.body)
        if attached is not None:
            out.append(_guard_attach(text, attached))
            continue
        if st.kind in _REPLACEMENTS:
            pattern, repl = _REPLACEMENTS[st.kind]
            text = re.sub(pattern, repl, text, count=1)
        elif st.kind == "ViewStmt":
            if text.startswith("CREATE MATERIALIZED VIEW"):
                text = re.sub(r"^CREATE MATERIALIZED VIEW ", "CREATE MATERIALIZED VIEW IF NOT EXISTS ", text)
            else:
                text = re.sub(r"^CREATE VIEW ", "CREATE OR REPLACE VIEW ", text)
        elif st.kind == "CreateTableAsStmt":
            text = re.sub(
                r"^CREATE MATERIALIZED VIEW (?!IF NOT EXISTS)",
                "CREATE MATERIALIZED VIEW IF NOT EXISTS ",
                text,
            )
        elif (
            st.kind == "InsertStmt"
            or st.kind in _AS_IS
            or (
                st.kind == "AlterTableStmt"
                and all(
                    c.get("AlterTableCmd", {}).get("subtype") in _IDEMPOTENT_ALTERS
                    for c in st.body.get("cmds", [])
                )
            )
        ):
            pass
        else:
            out.append(_guard(text, " OR unique_violation" if _text_search(st.kind, st.body) else ""))
            continue
        out.append(text + ";")
    for failure in fs.failures:  # pg_dump output always parses; keep anything odd visible
        out.append(failure.text)
    return "\n\n".join(out)


_ACL_OBJECT = re.compile(
    r"\bON (FUNCTION|PROCEDURE|TABLE|SEQUENCE|TYPE|DOMAIN) (.+?) (?:TO|FROM) ", re.DOTALL
)


def acl_reset(entry_sql: str) -> str:
    """A block that revokes the privileges that default privileges (``ALTER DEFAULT PRIVILEGES``, e.g. the
    ones Supabase sets up) give to a new object, so that the entry's GRANTs give exactly the recorded ACL."""
    m = _ACL_OBJECT.search(entry_sql)
    if not m:
        return ""
    kind, obj = m.group(1), m.group(2).strip()
    if kind in ("TABLE", "SEQUENCE") and "(" in obj:
        return ""
    lit = "'" + obj.replace("'", "''") + "'"
    body = (
        "DECLARE\n  r record;\nBEGIN\n"
        "  FOR r IN SELECT DISTINCT a.grantee FROM pg_catalog.pg_default_acl d,\n"
        "           LATERAL pg_catalog.aclexplode(d.defaclacl) a\n"
        "           WHERE a.grantee <> 0 AND a.grantee <> d.defaclrole LOOP\n"
        f"    EXECUTE 'REVOKE ALL ON {kind} ' || {lit} || ' FROM '\n"
        "      || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(r.grantee));\n"
        "  END LOOP;\nEND\n"
    )
    tag = dollar_tag(body)
    return f"DO {tag}\n{body}{tag};"


def _words(text: str) -> set[str]:
    return {(m.group(1) or m.group(2)).replace('""', '"') for m in _WORD.finditer(text)}


_REFERENCED = re.compile(r'REFERENCES (?:[\w"]+\.)?"?(\w+)"?\(')


def assign_domains(entries: list[DumpEntry], domains: tuple[Domain, ...]) -> list[int]:
    """The domain index of every entry: its own domain, moved later when it names an object placed in a
    later domain by an earlier entry (dump order is dependency order)."""
    names = [d.name for d in domains]
    fallback = next((i for i, d in enumerate(domains) if "*" in d.patterns), 0)

    def own(e: DumpEntry) -> int:
        kind = KIND_OF_TYPE.get(e.type, e.type.lower())
        for i, d in enumerate(domains):
            if kind in d.kinds or (kind == "grant" and "acl" in d.kinds):
                return i
        name = e.object_name
        qual = f"{e.schema}.{name}"  # a pattern with a dot is matched against schema.name
        for i, d in enumerate(domains):
            if any(p != "*" and fnmatch.fnmatchcase(qual if "." in p else name, p) for p in d.patterns):
                return i
        return fallback

    placed: dict[str, int] = {}
    # a table's rows go no earlier than its foreign keys (added, and checked, in their own domain) and
    # than the rows they reference: seeded rows pointing at other seeded rows load in a valid order
    keys_at: dict[str, int] = {}
    refers: dict[str, set[str]] = {}
    data_at: dict[str, int] = {}
    out: list[int] = []
    for e in entries:
        idx = own(e)
        words = _words(e.sql)
        for w in words:
            if w in placed and placed[w] > idx:
                idx = placed[w]
        if e.type in ("TABLE DATA",):
            idx = max(idx, placed.get(e.object_name, idx), keys_at.get(e.object_name, idx))
            idx = max([idx] + [data_at[r] for r in refers.get(e.object_name, ()) if r in data_at])
            data_at[e.object_name] = idx
        elif e.type == "FK CONSTRAINT":
            keys_at[e.object_name] = max(keys_at.get(e.object_name, idx), idx)
            refers.setdefault(e.object_name, set()).update(_REFERENCED.findall(e.sql))
        obj = e.defines
        if obj:
            placed[obj] = max(placed.get(obj, 0), idx)
        out.append(idx)
    del names
    return out


# Each clean-set file runs with an empty search_path (every name in it is qualified) and puts back the one
# it was given at its end: Diesel, goose, sqlx and dbmate record the migration in the SAME transaction,
# right after the file, naming their history table without a schema (dbmate asks current_schema()), and a
# transaction-local ``search_path = ''`` left behind made that INSERT fail ("relation ... does not exist").
SAVE_SEARCH_PATH = (
    "SELECT pg_catalog.set_config('pgconsolidate.search_path', pg_catalog.current_setting('search_path'), "
    "true);"
)
SETTINGS = (
    "SELECT pg_catalog.set_config('search_path', '', true);",
    "SELECT pg_catalog.set_config('check_function_bodies', 'false', true);",
)
RESTORE_SEARCH_PATH = (
    "-- the search_path this file was given, for the tool's own history INSERT in the same transaction\n"
    "SELECT pg_catalog.set_config('search_path', coalesce(nullif(\n"
    "  pg_catalog.current_setting('pgconsolidate.search_path', true), ''), "
    "pg_catalog.current_setting('search_path')), true);"
)


@dataclass(frozen=True)
class CleanFile:
    name: str  # file name in the owning tool's scheme: <version>_<domain>.sql, V<version>__<domain>.sql
    domain: str
    version: str
    text: str
    objects: tuple[str, ...]  # "TYPE name" of each entry, for the report


_INLINE = re.compile(
    r"^ALTER TABLE ONLY (?P<table>\S+)\s+ADD CONSTRAINT (?P<name>\S+) "
    r"(?P<def>(?:PRIMARY KEY|UNIQUE) .*?);?\s*$",
    re.DOTALL,
)


def inline_keys(entries: list[DumpEntry]) -> list[DumpEntry]:
    """Move PRIMARY KEY and UNIQUE constraints into their table's ``CREATE TABLE`` (pg_dump adds them
    afterwards with ``ALTER TABLE``, which is not idempotent and hides the key from readers and tools)."""
    tables: dict[str, int] = {}
    out: list[DumpEntry] = []
    # CREATE TABLE silently drops a key that repeats another's columns (UNIQUE (id) beside PRIMARY KEY
    # (id)): only one key per (table, columns) is inlined, the primary key first; the others stay ALTERs
    spans: dict[tuple[str, str], str] = {}
    for e in entries:
        if e.type == "CONSTRAINT" and (k := _INLINE.match(e.sql)):
            span = (k["table"], k["def"].split(" (", 1)[-1].strip())
            if span not in spans or k["def"].startswith("PRIMARY KEY"):
                spans[span] = k["name"]
    for e in entries:
        if e.type == "TABLE":
            m = re.match(r"^CREATE (?:UNLOGGED )?TABLE (\S+) \(", e.sql)
            if m:
                tables[m.group(1)] = len(out)
        if e.type == "CONSTRAINT":
            m = _INLINE.match(e.sql)
            if m and spans.get((m["table"], m["def"].split(" (", 1)[-1].strip())) != m["name"]:
                m = None
            if m and m["table"] in tables:
                i = tables[m["table"]]
                t = out[i]
                create_end = t.sql.find("\n);")
                if create_end > 0 and "\n)" not in t.sql[:create_end].split("(", 1)[1][-3:]:
                    body = (
                        t.sql[:create_end]
                        + f",\n    CONSTRAINT {m['name']} {m['def'].strip()}"
                        + t.sql[create_end:]
                    )
                    out[i] = DumpEntry(t.name, t.type, t.schema, body)
                    continue
        out.append(e)
    return out


_SETVAL = re.compile(
    r"^SELECT pg_catalog\.setval\('(?P<seq>(?:[^']|'')+)', (?P<value>-?\d+), (?P<called>true|false)\);\s*$"
)


def forward_setval(e: DumpEntry) -> DumpEntry | None:
    """A dump's ``SEQUENCE SET`` (the position the reference data left a serial or identity column at) as
    a ``setval`` that only moves an ascending sequence forward, so a second run, or a run on a database
    whose sequence went further, never moves it back; None for one it cannot read. Without it a fresh
    database built from the clean set hands out keys its reference rows already hold. Other entries are
    returned as they are."""
    if e.type != "SEQUENCE SET":
        return e
    m = _SETVAL.match(e.sql)
    if m is None:
        return None
    seq = sql.Literal(m["seq"].replace("''", "'"))
    value = int(m["value"])
    text = sql.SQL(
        "SELECT pg_catalog.setval({seq}::regclass, {value}, {called})\n"
        "WHERE (SELECT s.seqincrement > 0 FROM pg_catalog.pg_sequence s WHERE s.seqrelid = {seq}::regclass)\n"
        "  AND coalesce(pg_catalog.pg_sequence_last_value({seq}::regclass) < {value}, true);"
    ).format(seq=seq, value=sql.Literal(value), called=sql.SQL(m["called"]))
    return DumpEntry(e.name, e.type, e.schema, text.as_string(None))


def file_style(tool: str, version: str, domain: str) -> tuple[str, str, str]:
    """(file name, opening lines, closing lines) of a clean-set file for the tool that owns the directory:
    the markers dbmate, goose and sql-migrate need, golang-migrate's ``.up.sql``, Flyway's
    ``V<version>__``, Prisma's ``<version>_<domain>/migration.sql``, Diesel's
    ``<YYYY-MM-DD-HHMMSS>_<domain>/up.sql`` (the name is then a path relative to the clean set's
    directory)."""
    if tool == "dbmate":
        return f"{version}_{domain}.sql", "-- migrate:up\n", "\n-- migrate:down\n"
    if tool == "goose":
        return (
            f"{version}_{domain}.sql",
            "-- +goose Up\n-- +goose StatementBegin\n",
            "-- +goose StatementEnd\n\n-- +goose Down\n",
        )
    if tool == "sql-migrate":  # markers at the line start, case-sensitive; one statement between them
        return (
            f"{version}_{domain}.sql",
            "-- +migrate Up\n-- +migrate StatementBegin\n",
            "-- +migrate StatementEnd\n\n-- +migrate Down\n",
        )
    if tool == "tern":  # the rollback below the line: none (the old files' are archived)
        return f"{version}_{domain}.sql", "", "\n---- create above / drop below ----\n"
    if tool == "golang-migrate":
        return f"{version}_{domain}.up.sql", "", ""
    if tool in ("flyway", "flyway-repeatable"):
        return f"V{version}__{domain}.sql", "", ""
    if tool in ("prisma", "diesel"):  # one directory per migration (``generate.layouts``)
        from pgconsolidate.generate.layouts import migration_path

        return migration_path(tool, version, domain), "", ""
    return f"{version}_{domain}.sql", "", ""


#: what the file of the plan's first default domain (``extensions``: extensions and schemas) is named
#: after when it holds no extension (a project that creates none, only schemas: ``<version>_schemas.sql``)
SCHEMAS_ONLY = "schemas"


def file_domain(domain: str, entries: Sequence[DumpEntry], domains: tuple[Domain, ...]) -> str:
    """The name ``domain``'s file (and its history row) takes: ``domain``, except that the default
    ``extensions`` domain holding no ``CREATE EXTENSION`` is named :data:`SCHEMAS_ONLY` (unless the plan has
    a domain of that name)."""
    if (
        domain == "extensions"
        and not any(e.type == "EXTENSION" for e in entries)
        and all(d.name != SCHEMAS_ONLY for d in domains)
    ):
        return SCHEMAS_ONLY
    return domain


def build_clean_set(
    schema_dump: str | list[DumpEntry],
    data_dump: str | list[DumpEntry],
    domains: tuple[Domain, ...],
    versions: list[str],
    replaces: list[tuple[str, str]],
    extra_entries: list[DumpEntry] | None = None,
    tool: str = "supabase",
    keyless: frozenset[str] = frozenset(),
    stand_ins: tuple[ExtensionStandIn, ...] = (),
    extensions: Sequence[tuple[str, str]] = (),
    platform: Sequence[DumpEntry] = (),
    dumped_defaults: Sequence[DumpEntry] | None = None,
) -> list[CleanFile]:
    """The clean files. ``versions`` gives one version per domain (in domain order); ``replaces`` lists
    (old file, sha256) for the headers; ``extra_entries`` are added after the dump's (e.g. triggers on
    tables of managed schemas, which a dump of the app's schemas leaves out); ``stand_ins``: the
    extensions the schema was built with stand-ins for (see :func:`replace_stand_ins`); ``extensions``:
    (extension, schema) of every extension the chain created (:func:`created_extensions`), each re-created
    by the clean set (see :func:`recreate_extensions`); ``platform``: the entries the platform's base
    already has (left out of ``schema_dump``): its ``ALTER DEFAULT PRIVILEGES`` count in what new objects
    get. The project's default privileges stay ``ALTER DEFAULT PRIVILEGES`` statements, run before the
    objects, and each object gets only the grants that differ from what the defaults give it;
    ``dumped_defaults``: the dump's ``DEFAULT ACL`` entries, the base's included, to tell an entry of the
    base the chain emptied (gone from the dump) from one it left as it was (see :func:`platform_emptied`)."""
    schema = split_dump(schema_dump) if isinstance(schema_dump, str) else list(schema_dump)
    schema = recreate_extensions(replace_stand_ins(schema, stand_ins), extensions, stand_ins)
    data = split_dump(data_dump) if isinstance(data_dump, str) else list(data_dump)
    entries = schema + list(extra_entries or []) + data
    entries = inline_keys([f for e in entries if (f := forward_setval(e)) is not None])
    platform_defaults = _defaults_of(platform)
    if dumped_defaults is not None:
        entries = platform_emptied(platform_defaults, dumped_defaults) + entries
    entries = default_acl_first(entries)
    entries = [platform_reset(e, platform_defaults) if e.type == "DEFAULT ACL" else e for e in entries]
    idx = hoist(entries, assign_domains(entries, domains), ("EXTENSION", "DEFAULT ACL"))
    # as the database runs them: the base's default privileges first, then the project's
    defaults = DefaultPrivileges(platform_defaults + _defaults_of(entries))
    implicit = implicit_acls(entries, defaults)
    if implicit:
        entries = entries + implicit
        idx = idx + hoist(implicit, assign_domains(implicit, domains), ())
    files: list[CleanFile] = []
    replaced = "\n".join(f"  {path}  sha256:{sha}" for path, sha in replaces)
    for i, dom in enumerate(domains):
        mine = [e for e, d in zip(entries, idx, strict=True) if d == i]
        if not mine:
            continue
        version = f"{len(files) + 1:03d}" if tool == "tern" else versions[i]  # tern: 1, 2, 3, ... no gaps
        named = file_domain(dom.name, mine, domains)
        name, opening, closing = file_style(tool, version, named)
        head = comment_block(
            f"{name}: {named.replace('_', ' ')} (pgconsolidate clean set)\n\n"
            "Idempotent: every statement can run again on a database that already has the object.\n"
            "Generated from the consolidated schema; together the clean set replaces these files:\n"
            f"{replaced}"
        )
        body = [SAVE_SEARCH_PATH, *SETTINGS]
        for e in mine:
            label = f"-- {e.type}: {e.name}" + (f" ({e.schema})" if e.schema not in ("-", "") else "")
            label += f"\n-- {e.note}" if e.note else ""
            delta = acl_delta(e, defaults) if e.type == "ACL" else None
            if delta == "":
                continue  # the defaults give exactly the recorded privileges
            reset = acl_reset(e.sql) if e.type == "ACL" and delta is None else ""
            text = idempotent(e.sql if delta is None else delta, name)
            table = f"{e.schema}.{e.object_name}"
            if e.type == "TABLE DATA" and table in keyless:
                # no key to make ON CONFLICT work: load the rows only into an empty table
                guard = f"IF NOT EXISTS (SELECT 1 FROM {render(qualified(table))}) THEN"
                tag = dollar_tag(text)
                text = f"DO {tag}\nBEGIN\n{guard}\n{text}\nEND IF;\nEND\n{tag};"
            body.append(f"{label}\n" + (reset + "\n\n" if reset else "") + text)
        body.append(RESTORE_SEARCH_PATH)
        files.append(
            CleanFile(
                name,
                named,
                version,
                head + opening + "\n" + "\n\n".join(body) + "\n" + closing,
                tuple(f"{e.type} {e.name}" for e in mine),
            )
        )
    return files


# --- default privileges -------------------------------------------------------------------------------
# The clean set keeps ``ALTER DEFAULT PRIVILEGES`` as such (run before the objects they apply to) and
# gives each object only the grants and revokes that turn what the defaults give it into its recorded
# ACL. pg_dump prints an object's ACL relative to the built-in default (``acldefault``: the owner holds
# every privilege; PUBLIC has EXECUTE on functions and USAGE on types), so the ACL is computed from its
# statements, starting from that default, owner included; and so is what the defaults give, the way
# PostgreSQL computes it (``get_user_default_acl``): a global entry (``FOR ROLE r``, no schema) starts
# from the built-in default, owner included, so it can take privileges from the owner; a schema's entry
# starts EMPTY and is merged into the global one (privileges and grant options added, never removed: a
# per-schema REVOKE only takes back what that schema's entry granted); and when the merged ACL is empty
# the object gets the built-in default (a global ``REVOKE ALL ... FROM owner`` alone changes nothing).
# The owner of the clean set's objects is the role the defaults are for. Schemas keep pg_dump's
# statements: ``public``'s ACL is printed relative to its initial privileges, not the built-in default.

_CLASS = {
    "OBJECT_TABLE": "TABLE",
    "OBJECT_SEQUENCE": "SEQUENCE",
    "OBJECT_FUNCTION": "FUNCTION",
    "OBJECT_PROCEDURE": "FUNCTION",
    "OBJECT_ROUTINE": "FUNCTION",
    "OBJECT_TYPE": "TYPE",
    "OBJECT_DOMAIN": "TYPE",
    "OBJECT_SCHEMA": "SCHEMA",
}
_ALL = {
    "TABLE": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"),
    "SEQUENCE": ("USAGE", "SELECT", "UPDATE"),
    "FUNCTION": ("EXECUTE",),
    "TYPE": ("USAGE",),
    "SCHEMA": ("USAGE", "CREATE"),
}
_BUILTIN = {"FUNCTION": {"PUBLIC": {"EXECUTE": False}}, "TYPE": {"PUBLIC": {"USAGE": False}}}
PUBLIC = "PUBLIC"
Acl = dict[str, dict[str, bool]]  # grantee -> privilege -> with grant option


@dataclass(frozen=True)
class _AclStmt:
    grant: bool
    option: bool  # WITH GRANT OPTION / REVOKE GRANT OPTION FOR
    cls: str
    privileges: tuple[str, ...] | None  # None: ALL
    grantees: tuple[str, ...]
    columns: bool = False


def _grantees(body: dict[str, Any]) -> tuple[str, ...]:
    out = []
    for g in body.get("grantees", []):
        r = g.get("RoleSpec", {})
        out.append(PUBLIC if r.get("roletype") == "ROLESPEC_PUBLIC" else str(r.get("rolename", "")))
    return tuple(out)


def _acl_stmt(body: dict[str, Any]) -> _AclStmt | None:
    cls = _CLASS.get(str(body.get("objtype", "")))
    if cls is None:
        return None
    privs: list[dict[str, Any]] = body.get("privileges") or []
    names = None if not privs else tuple(str(p["AccessPriv"].get("priv_name", "")).upper() for p in privs)
    cols = any(p["AccessPriv"].get("cols") for p in privs)
    return _AclStmt(
        bool(body.get("is_grant")), bool(body.get("grant_option")), cls, names, _grantees(body), cols
    )


def _apply(acl: Acl, st: _AclStmt) -> None:
    privs = st.privileges or _ALL[st.cls]
    for g in st.grantees:
        held = acl.setdefault(g, {})
        for p in privs:
            if st.grant:
                held[p] = held.get(p, False) or st.option
            elif st.option:
                if p in held:
                    held[p] = False
            else:
                held.pop(p, None)
        if not held:
            del acl[g]


@dataclass(frozen=True)
class _Default:
    role: str | None
    schema: str | None
    stmt: _AclStmt


def _defaults_of(entries: Sequence[DumpEntry]) -> list[_Default]:
    out: list[_Default] = []
    for e in entries:
        if e.type != "DEFAULT ACL":
            continue
        for st in split_sql("dump", e.sql).statements:
            if st.kind != "AlterDefaultPrivilegesStmt":
                continue
            roles: list[str | None] = [None]
            schemas: list[str | None] = [None]
            for opt in st.body.get("options", []):
                d = opt.get("DefElem", {})
                items = d.get("arg", {}).get("List", {}).get("items", [])
                if d.get("defname") == "roles":
                    roles = [str(i.get("RoleSpec", {}).get("rolename", "")) for i in items]
                elif d.get("defname") == "schemas":
                    schemas = [str(i.get("String", {}).get("sval", "")) for i in items]
            action = _acl_stmt(st.body.get("action", {}))
            if action is None:
                continue
            out += [_Default(r, s, action) for r in roles for s in schemas]
    return out


_PLURAL = {
    "TABLE": "TABLES",
    "SEQUENCE": "SEQUENCES",
    "FUNCTION": "FUNCTIONS",
    "TYPE": "TYPES",
    "SCHEMA": "SCHEMAS",
}


def platform_reset(entry: DumpEntry, platform: Sequence[_Default]) -> DumpEntry:
    """``entry`` (a ``DEFAULT ACL`` of the project) preceded by ``ALTER DEFAULT PRIVILEGES ... REVOKE ALL
    ... FROM`` each role that the platform's base grants in the same default-privileges entry (same role,
    schema and object class). pg_dump prints an entry as its final grants (a schema's entry relative to
    nothing), so an entry the base has and the migrations changed (``REVOKE INSERT, UPDATE, DELETE ON TABLES
    FROM anon`` on Supabase's ``GRANT ALL ... TO anon``) would only add to the base's grants when the clean
    set runs it on a new project: the revoked privileges would come back for every object made later."""
    mine = _defaults_of([entry])
    lines: list[str] = []
    for role, schema, cls in sorted({(d.role, d.schema, d.stmt.cls) for d in mine}, key=str):
        base: Acl = {}
        for p in platform:
            if (p.role, p.schema, p.stmt.cls) == (role, schema, cls):
                _apply(base, p.stmt)
        final: Acl = {}
        for d in mine:
            if (d.role, d.schema, d.stmt.cls) == (role, schema, cls):
                _apply(final, d.stmt)
        # a schema's entry holds its grants only: a role whose privileges (or grant options) the chain
        # took back is reset; a global entry is printed relative to the built-in default: every role reset
        lost = {
            g
            for g, privs in base.items()
            if schema is None
            or any(p not in final.get(g, {}) or (o and not final[g][p]) for p, o in privs.items())
        }
        lines += [_revoke_default(role, schema, cls, g) for g in sorted(lost - {role})]
    if not lines:
        return entry
    return replace(entry, sql="\n\n".join(lines) + "\n\n" + entry.sql)


def _revoke_default(role: str | None, schema: str | None, cls: str, grantee: str) -> str:
    return (
        "ALTER DEFAULT PRIVILEGES"
        + (f" FOR ROLE {sql.Identifier(role).as_string(None)}" if role else "")
        + (f" IN SCHEMA {sql.Identifier(schema).as_string(None)}" if schema else "")
        + f" REVOKE ALL ON {_PLURAL[cls]} FROM {_role(grantee)};"
    )


def platform_emptied(platform: Sequence[_Default], dumped: Sequence[DumpEntry]) -> list[DumpEntry]:
    """A ``DEFAULT ACL`` entry for each schema's default-privileges entry of the platform's base that the
    chain emptied (``REVOKE ALL ON TABLES FROM anon, authenticated, service_role``: PostgreSQL then deletes
    the entry, so the dump, ``dumped``, has none): ``REVOKE ALL`` from every role the base's entry grants.
    Without it the clean set, run on a new project, would keep the base's grants for every later object."""
    have = {(d.role, d.schema, d.stmt.cls) for d in _defaults_of(dumped)}
    granted: dict[tuple[str | None, str, str], set[str]] = {}
    for p in platform:
        if p.schema is not None and p.stmt.grant and (p.role, p.schema, p.stmt.cls) not in have:
            granted.setdefault((p.role, p.schema, p.stmt.cls), set()).update(p.stmt.grantees)
    out: list[DumpEntry] = []
    for (role, schema, cls), roles in sorted(granted.items(), key=str):
        lines = [_revoke_default(role, schema, cls, g) for g in sorted(roles - {role or ""})]
        if lines:
            out.append(
                DumpEntry(f"DEFAULT PRIVILEGES FOR {_PLURAL[cls]}", "DEFAULT ACL", schema, "\n\n".join(lines))
            )
    return out


class DefaultPrivileges:
    """What ``ALTER DEFAULT PRIVILEGES`` (the platform's, then the project's, in that order: as the clean
    set runs them) give a new object of the role they are for, :attr:`role` (the owner of the objects)."""

    def __init__(self, defaults: list[_Default]) -> None:
        roles = [d.role for d in defaults if d.role]
        # the role that creates the objects: the one the defaults are for (the most named)
        self.role = max(set(roles), key=roles.count) if roles else None
        self.defaults = [d for d in defaults if d.role in (None, self.role)]
        # the pg_default_acl entries: (schema or None, class) -> ACL
        self._entries: dict[tuple[str | None, str], Acl] = {}
        for d in self.defaults:
            key = (d.schema, d.stmt.cls)
            if key not in self._entries:
                self._entries[key] = builtin_acl(d.stmt.cls, self.role) if d.schema is None else {}
            _apply(self._entries[key], d.stmt)

    def given(self, cls: str, schema: str | None) -> Acl:
        """The ACL a new object of class ``cls`` in ``schema`` gets (grantee -> privilege -> option)."""
        glob = self._entries.get((None, cls))
        acl = builtin_acl(cls, self.role) if glob is None else {g: dict(p) for g, p in glob.items()}
        here = self._entries.get((schema, cls), {}) if schema is not None else {}
        for g, privs in here.items():
            held = acl.setdefault(g, {})
            for p, option in privs.items():
                held[p] = held.get(p, False) or option
        return acl if acl else builtin_acl(cls, self.role)


def builtin_acl(cls: str, owner: str | None) -> Acl:
    """PostgreSQL's ``acldefault`` for an object of class ``cls`` owned by ``owner`` (None: unknown, left
    out)."""
    acl: Acl = {g: dict(p) for g, p in _BUILTIN.get(cls, {}).items()}
    if owner is not None:
        acl[owner] = dict.fromkeys(_ALL[cls], False)
    return acl


def _role(name: str) -> str:
    return "PUBLIC" if name == PUBLIC else sql.Identifier(name).as_string(None)


def acl_delta(entry: DumpEntry, defaults: DefaultPrivileges) -> str | None:
    """The statements that turn what the defaults give the entry's object into its recorded ACL (may be
    empty), or None when the entry is outside what is modelled (column privileges, an object kind
    without defaults, privileges of an owner other than the defaults' role): then pg_dump's statements
    are kept. pg_dump revokes from a role only the built-in default's entries: a revoked role other than
    PUBLIC is the object's owner."""
    m = _ACL_OBJECT.search(entry.sql)
    if not m:
        return None
    kind, obj = m.group(1), m.group(2).strip()
    stmts: list[_AclStmt] = []
    for st in split_sql("dump", entry.sql).statements:
        a = _acl_stmt(st.body) if st.kind == "GrantStmt" else None
        if a is None or a.columns:
            return None
        stmts.append(a)
    if not stmts or len({s.cls for s in stmts}) != 1:
        return None
    owners = {g for s in stmts if not s.grant for g in s.grantees if g != PUBLIC}
    owner = defaults.role
    if owner is None and len(owners) == 1:
        (owner,) = owners  # no defaults: the owner is known only when its privileges were changed
    if owners - {owner}:
        return None
    cls = stmts[0].cls
    target = builtin_acl(cls, owner)
    for s in stmts:
        _apply(target, s)
    start = builtin_acl(cls, owner) if defaults.role is None else defaults.given(cls, _schema(entry))
    full = set(_ALL[cls])
    out: list[str] = []
    for g in sorted(set(start) | set(target), key=lambda g: (g != owner, g)):  # the owner's first, as pg_dump
        have, want = start.get(g, {}), target.get(g, {})
        if have == want:
            continue
        who = _role(g)
        if set(have) - set(want) or any(have[p] and not want.get(p, False) for p in have if p in want):
            out.append(f"REVOKE ALL ON {kind} {obj} FROM {who};")
            have = {}
        plain = sorted(p for p in want if not want[p] and p not in have)
        option = sorted(p for p in want if want[p] and not have.get(p, False))
        for privs, suffix in ((plain, ""), (option, " WITH GRANT OPTION")):
            if not privs:
                continue
            listed = "ALL" if set(privs) == full else ", ".join(privs)
            out.append(f"GRANT {listed} ON {kind} {obj} TO {who}{suffix};")
    return "\n\n".join(out)


def _schema(entry: DumpEntry) -> str | None:
    return None if entry.schema in ("-", "") else entry.schema


def default_acl_first(entries: list[DumpEntry]) -> list[DumpEntry]:
    """``entries`` with the project's ``ALTER DEFAULT PRIVILEGES`` moved after the schemas and
    extensions (pg_dump prints them last), so that they apply to the objects the clean set creates."""
    defaults = [e for e in entries if e.type == "DEFAULT ACL"]
    if not defaults:
        return entries
    rest = [e for e in entries if e.type != "DEFAULT ACL"]
    at = 0
    while at < len(rest) and _leading(rest[at]):
        at += 1
    return rest[:at] + defaults + rest[at:]


_ACL_KIND = {
    "TABLE": ("TABLE", "REVOKE"),
    "VIEW": ("TABLE", "REVOKE"),
    "MATERIALIZED VIEW": ("TABLE", "REVOKE"),
    "SEQUENCE": ("SEQUENCE", "REVOKE"),
    "FUNCTION": ("FUNCTION", "GRANT"),
    "PROCEDURE": ("PROCEDURE", "GRANT"),
    "TYPE": ("TYPE", "GRANT"),
    "DOMAIN": ("DOMAIN", "GRANT"),
}


def _type_key(t: dict[str, Any]) -> str:
    keep = ("names", "arrayBounds", "setof", "pct_type")
    return json.dumps({k: t.get(k) for k in keep}, sort_keys=True)


_NOT_IDENTITY = ("FUNC_PARAM_OUT", "FUNC_PARAM_TABLE")


def _routine_key(text: str) -> tuple[str, ...] | None:
    """(name, argument types...) of a ``CREATE FUNCTION``/``PROCEDURE`` or of the routine a ``GRANT`` /
    ``REVOKE`` names: the same for a routine's definition and its ACL entry, whatever the argument names."""
    for st in split_sql("dump", text).statements:
        if st.kind == "CreateFunctionStmt":
            name = [str(n.get("String", {}).get("sval", "")) for n in st.body.get("funcname", [])]
            args = [
                _type_key(p["FunctionParameter"].get("argType", {}))
                for p in st.body.get("parameters", [])
                if p.get("FunctionParameter", {}).get("mode") not in _NOT_IDENTITY
            ]
            return (".".join(name), *args)
        if st.kind == "GrantStmt" and st.body.get("objtype") in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE"):
            objs = st.body.get("objects", [])
            if len(objs) != 1 or "ObjectWithArgs" not in objs[0]:
                return None
            o = objs[0]["ObjectWithArgs"]
            name = [str(n.get("String", {}).get("sval", "")) for n in o.get("objname", [])]
            return (".".join(name), *(_type_key(a.get("TypeName", {})) for a in o.get("objargs", [])))
    return None


def implicit_acls(entries: list[DumpEntry], defaults: DefaultPrivileges) -> list[DumpEntry]:
    """An ACL entry for each object that has none in the dump (its ACL is the built-in default) but to
    which the defaults give something else (a default grant the chain revoked, a default made after the
    object): without it the clean set's object would have more, or less, than the original."""
    if not defaults.defaults:
        return []
    # a routine's ACL entry names its arguments with their names, its FUNCTION entry without: routines
    # are matched by their parsed argument types
    have = {(e.name, e.schema) for e in entries if e.type == "ACL"}
    routines = {k for e in entries if e.type == "ACL" and (k := _routine_key(e.sql)) is not None}
    out: list[DumpEntry] = []
    for e in entries:
        if e.type not in _ACL_KIND:
            continue
        kind, verb = _ACL_KIND[e.type]
        if kind in ("FUNCTION", "PROCEDURE"):
            key = _routine_key(e.sql)
            if key is None or key in routines:
                continue
        elif (f"{kind} {e.name}", e.schema) in have:
            continue
        cls = _CLASS[f"OBJECT_{kind}"]
        if defaults.given(cls, _schema(e)) == builtin_acl(cls, defaults.role):
            continue
        if "(" in e.name:
            fname, args = e.name.split("(", 1)
            obj = sql.Identifier(e.schema, fname).as_string(None) + "(" + args
        else:
            obj = sql.Identifier(e.schema, e.name).as_string(None)
        text = f"{verb} ALL ON {kind} {obj} {'TO' if verb == 'GRANT' else 'FROM'} PUBLIC;"
        out.append(DumpEntry(f"{kind} {e.name}", "ACL", e.schema, text))
    return out


_CREATE_EXTENSION = re.compile(r'^CREATE EXTENSION IF NOT EXISTS (?:"((?:[^"]|"")+)"|(\w+))', re.MULTILINE)


def extensions_created_by(texts: Sequence[str]) -> frozenset[str]:
    """The extensions the clean-set files ``texts`` create (``CREATE EXTENSION IF NOT EXISTS``)."""
    return frozenset(
        (m.group(1) or "").replace('""', '"') or m.group(2)
        for t in texts
        for m in _CREATE_EXTENSION.finditer(t)
    )
