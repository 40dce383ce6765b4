"""pg_dump of the app's schemas (I/O): the exact DDL of a consolidated database, and reference data."""

from __future__ import annotations

from psycopg import sql

from pgconsolidate.catalog.schemas import MANAGED_SCHEMAS
from pgconsolidate.db.connect import connection, load_sql
from pgconsolidate.errors import DatabaseError
from pgconsolidate.generate.cleanset import DumpEntry, split_dump
from pgconsolidate.redact import redact_text
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch.databases import database_name, drop_database
from pgconsolidate.scratch.server import tool_path
from pgconsolidate.scratch.supabase import supabase_database
from pgconsolidate.scratch.tools import run_tool

QUERIES = "pgconsolidate.verify.queries"
EXCLUDED = tuple(s for s in MANAGED_SCHEMAS if s != "extensions")


def _run(args: list[str], url: str, major: int | None) -> str:
    """pg_dump ``args`` of the database at ``url`` (its password in the environment, never in argv)."""
    proc = run_tool(tool_path("pg_dump", major), args, url, what="pg_dump", check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise DatabaseError(f"pg_dump failed: {redact_text(err.splitlines()[-1] if err else '')}")
    return proc.stdout.decode("utf-8")


def dump_schema(url: str, major: int | None = None) -> str:
    """Schema-only dump of everything outside the managed schemas (no owners; privileges kept)."""
    args = ["--schema-only", "--no-owner"]
    for s in EXCLUDED:
        args += ["--exclude-schema", s]
    return _run(args, url, major)


def dump_data(url: str, tables: list[str], major: int | None = None) -> str:
    """``INSERT … ON CONFLICT DO NOTHING`` statements for ``tables`` (reference data)."""
    if not tables:
        return ""
    args = ["--data-only", "--inserts", "--column-inserts", "--on-conflict-do-nothing", "--no-owner"]
    for t in tables:
        args += ["--table", t]
    return _run(args, url, major)


_BASE_CACHE: dict[tuple[str, int | None], frozenset[tuple[str, str, str, str]]] = {}


def base_entries(server: ScratchServer) -> frozenset[tuple[str, str, str, str]]:
    """(type, name, schema, sql) of every dump entry a bare Supabase base already has (its roles' schemas,
    stand-ins, preinstalled extensions): they are the platform's, not the project's, so the clean set
    leaves them out. Computed once per server."""
    key = (server.admin_url, server.major)
    if key not in _BASE_CACHE:
        url = supabase_database(
            server
        )  # a copy of the base's template: what every proof database starts from
        try:
            _BASE_CACHE[key] = frozenset(
                (e.type, e.name, e.schema, e.sql) for e in split_dump(dump_schema(url, server.major))
            )
        finally:
            drop_database(server, database_name(url))
    return _BASE_CACHE[key]


def without_base(schema_sql: str, server: ScratchServer) -> list[DumpEntry]:
    """The entries of ``schema_sql`` that the bare base does not already have."""
    base = base_entries(server)
    return [e for e in split_dump(schema_sql) if (e.type, e.name, e.schema, e.sql) not in base]


def managed_triggers(url: str) -> list[DumpEntry]:
    """What the app put on tables of the managed schemas and a dump of its own schemas leaves out: its
    triggers (``auth.users`` → ``handle_new_user``), then its policies (:func:`managed_policies`)."""
    with connection(url) as conn:
        conn.execute("SET search_path = ''")
        rows = conn.execute(
            load_sql(QUERIES, "managed_triggers.sql").encode(), {"managed": list(MANAGED_SCHEMAS)}
        ).fetchall()
    return [DumpEntry(f"{r[3]} {r[2]}", "TRIGGER", r[3].split(".")[0], r[4] + ";") for r in rows] + (
        managed_policies(url)
    )


def managed_policies(url: str) -> list[DumpEntry]:
    """The app's row security policies on tables of the managed schemas (``storage.objects`` ...): the
    dump of the app's schemas leaves them out, and a clean set without them loses the access rules (a
    fresh database could not read or upload a file)."""
    with connection(url) as conn:
        conn.execute("SET search_path = ''")
        rows = conn.execute(
            load_sql(QUERIES, "managed_policies.sql").encode(), {"managed": list(MANAGED_SCHEMAS)}
        ).fetchall()
    entries = []
    for schema, table, name, permissive, command, roles, qual, check in rows:
        stmt = sql.SQL("CREATE POLICY {} ON {} AS {} FOR {} TO {}").format(
            sql.Identifier(name),
            sql.Identifier(schema, table),
            sql.SQL("PERMISSIVE" if permissive else "RESTRICTIVE"),
            sql.SQL(command),
            sql.SQL(", ").join(sql.SQL(r) for r in roles),  # names quoted by quote_ident, or 'public'
        )
        if qual is not None:
            stmt = sql.SQL("{} USING ({})").format(stmt, sql.SQL(qual))
        if check is not None:
            stmt = sql.SQL("{} WITH CHECK ({})").format(stmt, sql.SQL(check))
        entries.append(DumpEntry(f"{table} {name}", "POLICY", schema, stmt.as_string(None) + ";"))
    return entries
