"""The migration history a production database of a directory has: the owning tool's table (I/O).

The directory model's scheme (``MigrationDir.tool``) says which tool applied the files, so the demo
database records them the way that tool does, in the table ``inspect --against`` and
``history.reconcile`` read for it:

- Supabase CLI: ``supabase_migrations.schema_migrations`` (written by the replay itself, with each file's
  statements);
- dbmate: ``public.schema_migrations(version varchar(128) PRIMARY KEY)``, one row per applied file;
- golang-migrate: ``public.schema_migrations(version bigint, dirty boolean)``, one row: the newest applied
  version, not dirty;
- goose: ``public.goose_db_version``, the initial version 0 row, then one row per applied file;
- Flyway: ``public.flyway_schema_history``, one successful ``SQL`` row per applied file with the checksum
  Flyway computes (repeatable ``R__`` files without a version);
- plain numbered files (no tool): no history table.

A file that failed part-way is not recorded (the tools roll it back or stop there), unless every
statement that failed was skipped for want of an extension the scratch server lacks and the platform has
(``cron.schedule`` without pg_cron): production applied that file. The Supabase base's
empty ``supabase_migrations.schema_migrations`` is removed for a directory another tool owns, so that the
database does not claim a history of a tool that never ran on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from pgconsolidate.db.connect import connection
from pgconsolidate.history.reconcile import flyway_checksum
from pgconsolidate.replay.model import ReplayResult
from pgconsolidate.sources.model import MigrationDir, MigrationFile, Scheme
from pgconsolidate.statements.split import split_sql

SUPABASE_TABLE = ("supabase_migrations", "schema_migrations")
TABLES: dict[str, tuple[str, str]] = {
    "supabase": SUPABASE_TABLE,
    "dbmate": ("public", "schema_migrations"),
    "golang-migrate": ("public", "schema_migrations"),
    "goose": ("public", "goose_db_version"),
    "flyway": ("public", "flyway_schema_history"),
}
_DDL = {
    "dbmate": "CREATE TABLE IF NOT EXISTS {} (version varchar(128) NOT NULL PRIMARY KEY)",
    "golang-migrate": (
        "CREATE TABLE IF NOT EXISTS {} (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)"
    ),
    "goose": (
        "CREATE TABLE IF NOT EXISTS {} (id serial PRIMARY KEY, version_id bigint NOT NULL, "
        "is_applied boolean NOT NULL, tstamp timestamp DEFAULT now())"
    ),
    "flyway": (
        "CREATE TABLE IF NOT EXISTS {} (installed_rank integer NOT NULL PRIMARY KEY, "
        "version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL, "
        "script varchar(1000) NOT NULL, checksum integer, installed_by varchar(100) NOT NULL, "
        "installed_on timestamp NOT NULL DEFAULT now(), execution_time integer NOT NULL, "
        "success boolean NOT NULL)"
    ),
}


@dataclass(frozen=True)
class History:
    """The history table written (``schema.table``; None for plain numbered files) and its rows."""

    tool: str
    table: str | None
    rows: int


def history_tool(mdir: MigrationDir) -> str | None:
    """The tool whose history table the directory's database has (None: plain numbered files)."""
    if mdir.tool is Scheme.NUMBERED:
        return None
    if mdir.tool is Scheme.FLYWAY_REPEATABLE:
        return "flyway"
    return mdir.tool.value if mdir.tool.value in TABLES else None


def platform_only(result: ReplayResult) -> frozenset[str]:
    """The files whose every failing statement was skipped for want of an extension the scratch server
    lacks (``result.skipped``: ``cron.schedule`` without pg_cron): on the hosted platform, which has it,
    they applied, so the production's history records them (left out, ``inspect --against`` said
    'never-applied' for five files of a real Supabase project whose cron jobs are scheduled in migrations)."""
    skipped = {(s.file, s.line) for s in result.skipped}
    failing: set[str] = set()
    other: set[str] = set()
    for fl in result.failures:
        failing.add(fl.file)
        if (fl.file, fl.line) not in skipped:
            other.add(fl.file)
    return frozenset(failing - other)


def _applied(mdir: MigrationDir, result: ReplayResult) -> list[MigrationFile]:
    ok = {o.file for o in result.files if o.status == "applied" and o.failed == 0} | platform_only(result)
    return [f for f in mdir.files if f.path in ok and f.filename.direction != "down"]


def _supabase_platform_rows(conn: psycopg.Connection[Any], mdir: MigrationDir, result: ReplayResult) -> None:
    """The Supabase CLI's history rows the replay did not write for the :func:`platform_only` files (a
    version another file already holds stays unwritten, as the CLI fails on it)."""
    only = platform_only(result)
    by_path = {f.path: f for f in mdir.files}
    for h in result.history:
        f = by_path.get(h.file)
        if h.written or h.collides_with is not None or h.file not in only or f is None:
            continue
        texts = [st.text for st in split_sql(f.path, f.forward_sql or "", first_line=f.span_line).statements]
        conn.execute(
            "INSERT INTO supabase_migrations.schema_migrations (version, name, statements) "
            "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            [h.version, h.name, texts],
        )


def _count(conn: psycopg.Connection[Any], table: sql.Composable) -> int:
    row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(table)).fetchone()
    return int(row[0]) if row else 0


def _drop_empty_supabase_history(conn: psycopg.Connection[Any]) -> None:
    exists = conn.execute(
        "SELECT to_regclass('supabase_migrations.schema_migrations') IS NOT NULL"
    ).fetchone()
    if exists and exists[0] and _count(conn, sql.Identifier(*SUPABASE_TABLE)) == 0:
        conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(*SUPABASE_TABLE)))


def _write(
    conn: psycopg.Connection[Any], tool: str, table: sql.Identifier, files: list[MigrationFile]
) -> None:
    if tool == "dbmate":
        for f in files:
            conn.execute(
                sql.SQL("INSERT INTO {} (version) VALUES (%s) ON CONFLICT DO NOTHING").format(table),
                [f.version],
            )
    elif tool == "golang-migrate":
        versions = [int(f.version) for f in files if f.version.isdigit()]
        if versions:
            conn.execute(sql.SQL("DELETE FROM {}").format(table))
            conn.execute(
                sql.SQL("INSERT INTO {} (version, dirty) VALUES (%s, false)").format(table), [max(versions)]
            )
    elif tool == "goose":
        conn.execute(sql.SQL("INSERT INTO {} (version_id, is_applied) VALUES (0, true)").format(table))
        for f in files:
            if f.version.isdigit():
                conn.execute(
                    sql.SQL("INSERT INTO {} (version_id, is_applied) VALUES (%s, true)").format(table),
                    [int(f.version)],
                )
    elif tool == "flyway":
        for rank, f in enumerate(files, start=1):
            conn.execute(
                sql.SQL(
                    "INSERT INTO {} (installed_rank, version, description, type, script, checksum, "
                    "installed_by, execution_time, success) "
                    "VALUES (%s, %s, %s, 'SQL', %s, %s, current_user, 0, true)"
                ).format(table),
                [
                    rank,
                    f.version or None,
                    f.name.replace("_", " "),
                    f.path,
                    flyway_checksum(f.text) if f.text is not None else None,
                ],
            )


def prepare_history(url: str, mdir: MigrationDir) -> None:
    """Before the replay: the Supabase CLI's history table for a Supabase directory built without the base
    (the replay writes its rows only into a table that exists)."""
    if history_tool(mdir) != "supabase":
        return
    with connection(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SUPABASE_TABLE[0])))
        conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} "
                "(version text NOT NULL PRIMARY KEY, statements text[], name text)"
            ).format(sql.Identifier(*SUPABASE_TABLE))
        )


def write_history(url: str, mdir: MigrationDir, result: ReplayResult) -> History:
    """Record the files ``result`` applied in the history table of the tool that owns ``mdir`` (the
    Supabase CLI's was written by the replay: only the :func:`platform_only` files are added here)."""
    tool = history_tool(mdir)
    with connection(url, autocommit=True) as conn, conn.transaction():
        if tool == "supabase":
            table = sql.Identifier(*SUPABASE_TABLE)
            exists = conn.execute(
                "SELECT to_regclass('supabase_migrations.schema_migrations') IS NOT NULL"
            ).fetchone()
            if exists and exists[0]:
                _supabase_platform_rows(conn, mdir, result)
            rows = _count(conn, table) if exists and exists[0] else 0
            return History(tool, ".".join(SUPABASE_TABLE), rows)
        _drop_empty_supabase_history(conn)
        if tool is None:
            return History(mdir.tool.value, None, 0)
        schema, name = TABLES[tool]
        table = sql.Identifier(schema, name)
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        conn.execute(sql.SQL(_DDL[tool]).format(table))
        _write(conn, tool, table, _applied(mdir, result))
        return History(tool, f"{schema}.{name}", _count(conn, table))
