"""Find and read migration history tables (the only I/O of this package).

Recognised: Supabase CLI's ``supabase_migrations.schema_migrations``, dbmate's and golang-migrate's
``schema_migrations`` (golang-migrate has a ``dirty`` column), Flyway's ``flyway_schema_history``,
goose's ``goose_db_version``, Prisma's ``_prisma_migrations``, drizzle-kit's ``__drizzle_migrations``,
Diesel's ``__diesel_schema_migrations``, sqlx's ``_sqlx_migrations`` and sql-migrate's ``gorp_migrations``,
in any schema; Flyway's and
sqlx's also under another name (``flyway.table``), by their columns (``history.objects.history_tool``).
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from pgconsolidate.db.connect import connect, load_sql, one_line
from pgconsolidate.errors import DatabaseError
from pgconsolidate.history.model import AppliedMigration, HistoryTable
from pgconsolidate.history.objects import history_tool
from pgconsolidate.redact import redact_url

QUERIES = "pgconsolidate.history.queries"


def _query(query_file: str, **parts: sql.Composable) -> sql.Composed:
    return sql.SQL(load_sql(QUERIES, query_file)).format(**parts)


def _tool(schema: str, name: str, columns: list[str]) -> str | None:
    return history_tool(schema, name, columns)


def _read_table(
    conn: psycopg.Connection, tool: str, schema: str, name: str, columns: list[str]
) -> HistoryTable:
    table = sql.Identifier(schema, name)
    entries: list[AppliedMigration] = []
    rolled_back: tuple[str, ...] = ()
    with conn.cursor(row_factory=dict_row) as cur:
        if tool == "supabase":
            q = _query(
                "supabase.sql",
                table=table,
                name_col=sql.SQL("name") if "name" in columns else sql.SQL("NULL::text"),
                statements_col=sql.SQL("statements") if "statements" in columns else sql.SQL("NULL::text[]"),
            )
            for r in cur.execute(q).fetchall():
                stmts = r["statements"]
                entries.append(
                    AppliedMigration(
                        version=r["version"],
                        name=r["name"],
                        statements=None if stmts is None else tuple(s or "" for s in stmts),
                    )
                )
        elif tool in ("dbmate", "golang-migrate", "diesel", "tern"):
            dirty = sql.SQL("dirty") if "dirty" in columns else sql.SQL("NULL::boolean")
            for r in cur.execute(_query("version_only.sql", table=table, dirty=dirty)).fetchall():
                entries.append(AppliedMigration(version=r["version"], dirty=r["dirty"]))
        elif tool == "flyway":
            for r in cur.execute(_query("flyway.sql", table=table)).fetchall():
                entries.append(
                    AppliedMigration(
                        version=r["version"],
                        name=r["description"],
                        script=r["script"],
                        checksum=r["checksum"],
                        success=r["success"],
                        rank=r["installed_rank"],
                        entry_type=r["type"],
                    )
                )
        elif tool == "goose":
            state: dict[str, bool] = {}
            for r in cur.execute(_query("goose.sql", table=table)).fetchall():
                state[r["version"]] = bool(r["is_applied"])
            entries = [AppliedMigration(version=v) for v, on in state.items() if on and v != "0"]
            rolled_back = tuple(v for v, on in state.items() if not on and v != "0")
        elif tool == "prisma":  # migration_name is the directory name: <timestamp>_<name>
            for r in cur.execute(_query("prisma.sql", table=table)).fetchall():
                version, _, mname = r["migration_name"].partition("_")
                entries.append(
                    AppliedMigration(
                        version=version,
                        name=mname,
                        script=r["migration_name"],
                        success=bool(r["ok"]),
                        sha256=r["checksum"],
                    )
                )
        elif tool == "sqlx":
            for r in cur.execute(_query("sqlx.sql", table=table)).fetchall():
                entries.append(
                    AppliedMigration(
                        version=r["version"],
                        name=r["description"],
                        success=bool(r["success"]),
                        sha384=r["checksum"],
                    )
                )
        elif tool == "sql-migrate":  # keyed by the file's name (the id sql-migrate gives a file)
            for r in cur.execute(_query("sql_migrate.sql", table=table)).fetchall():
                entries.append(AppliedMigration(version=r["id"], script=r["id"]))
        elif tool == "drizzle":  # no version: a row is the file's hash and its journal time
            for r in cur.execute(_query("drizzle.sql", table=table)).fetchall():
                created = r["created_at"]
                rank = created if isinstance(created, int) else None
                entries.append(AppliedMigration(version=None, sha256=r["hash"], rank=rank))
    return HistoryTable(tool=tool, table=f"{schema}.{name}", entries=tuple(entries), rolled_back=rolled_back)


def read_history_from(conn: psycopg.Connection) -> tuple[HistoryTable, ...]:
    """Every history table found in the database (empty when there is none)."""
    found: list[HistoryTable] = []
    rows: list[Any] = conn.execute(load_sql(QUERIES, "detect.sql")).fetchall()
    for schema, name, columns in rows:
        tool = _tool(schema, name, list(columns))
        if tool is not None:
            found.append(_read_table(conn, tool, schema, name, list(columns)))
    return tuple(found)


def history_tables(conn: psycopg.Connection) -> dict[str, str]:
    """``schema.name`` -> tool of every migration history table in the database of ``conn`` (found as
    :func:`read_history_from` finds them, without reading their rows)."""
    found: dict[str, str] = {}
    rows: list[Any] = conn.execute(load_sql(QUERIES, "detect.sql")).fetchall()
    for schema, name, columns in rows:
        tool = _tool(schema, name, list(columns))
        if tool is not None:
            found[f"{schema}.{name}"] = tool
    return found


def history_table_names(conn: psycopg.Connection) -> list[str]:
    """The ``schema.name`` of every migration history table in the database of ``conn``."""
    return list(history_tables(conn))


def read_history(url: str) -> tuple[HistoryTable, ...]:
    """Connect to ``url`` and read its history tables; errors are one redacted line."""
    conn = connect(url)
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION READ ONLY")
            return read_history_from(conn)
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot read migration history of {redact_url(url)}: {one_line(exc)}") from None
    finally:
        conn.close()
