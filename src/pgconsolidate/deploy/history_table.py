"""Writing migration history the way each tool does, so that the tool itself agrees afterwards.

Supabase CLI: ``supabase_migrations.schema_migrations(version text PRIMARY KEY, statements text[],
name text)``; dbmate: ``schema_migrations(version varchar(128) PRIMARY KEY)``; golang-migrate: one row
``schema_migrations(version bigint, dirty boolean)``; goose: ``goose_db_version`` rows; sqlx (a consolidate
output only: its history_repair.sql writes the SHA-384 checksums): ``_sqlx_migrations``; Prisma (a
consolidate output only: SHA-256 checksums): ``_prisma_migrations``; Diesel: ``__diesel_schema_migrations
(version varchar(50) PRIMARY KEY, run_on timestamp)``. Flyway keeps
checksums of its own making and is refused (apply with Flyway itself). Every statement here runs inside
the migration's own transaction: the table is created (IF NOT EXISTS) and the row written together with
the migration, never outside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from pgconsolidate.errors import InputError

SUPPORTED = ("supabase", "numbered", "dbmate", "golang-migrate", "goose")
WRITTEN = (
    "supabase",
    "dbmate",
    "golang-migrate",
    "goose",
    "sqlx",
    "prisma",
    "diesel",
)  # HistoryTarget.tool values apply writes


@dataclass(frozen=True)
class HistoryTarget:
    tool: str  # supabase, dbmate, golang-migrate, goose
    schema: str
    table: str

    @property
    def display(self) -> str:
        return f"{self.schema}.{self.table}"


def target_for(tool: str) -> HistoryTarget:
    if tool in ("supabase", "numbered"):
        return HistoryTarget("supabase", "supabase_migrations", "schema_migrations")
    if tool in ("dbmate", "golang-migrate"):
        return HistoryTarget(tool, "public", "schema_migrations")
    if tool == "goose":
        return HistoryTarget("goose", "public", "goose_db_version")
    if tool == "sqlx":
        return HistoryTarget("sqlx", "public", "_sqlx_migrations")
    if tool == "diesel":
        return HistoryTarget("diesel", "public", "__diesel_schema_migrations")
    why = " (its checksums are the tool's own)" if tool in ("flyway", "flyway-repeatable", "drizzle") else ""
    raise InputError(f"apply does not write {tool} history{why}: apply with {tool} itself")


def _exists(conn: psycopg.Connection, t: HistoryTarget) -> bool:
    row = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (sql.Identifier(t.schema, t.table).as_string(conn),)
    ).fetchone()
    return bool(row and row[0])


def applied_versions(conn: psycopg.Connection, t: HistoryTarget) -> set[str]:
    """Versions recorded as applied (empty when the table does not exist yet)."""
    if not _exists(conn, t):
        return set()
    table = sql.Identifier(t.schema, t.table)
    if t.tool == "goose":
        q = sql.SQL(
            "SELECT version_id::text FROM (SELECT DISTINCT ON (version_id) version_id, is_applied FROM {} "
            "ORDER BY version_id, id DESC) s WHERE is_applied"
        ).format(table)
    elif t.tool == "sqlx":  # a failed row is not applied: sqlx stops on it
        q = sql.SQL("SELECT version::text FROM {} WHERE success").format(table)
    elif t.tool == "prisma":  # the timestamp of a finished, not rolled back migration's directory name
        q = sql.SQL(
            "SELECT split_part(migration_name, '_', 1) FROM {} "
            "WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL"
        ).format(table)
    else:
        q = sql.SQL("SELECT version::text FROM {}").format(table)
    return {str(r[0]) for r in conn.execute(q)}


def golang_current(conn: psycopg.Connection, t: HistoryTarget) -> tuple[int, bool] | None:
    if not _exists(conn, t):
        return None
    row = conn.execute(
        sql.SQL("SELECT version, dirty FROM {} LIMIT 1").format(sql.Identifier(t.schema, t.table))
    ).fetchone()
    return (int(row[0]), bool(row[1])) if row else None


def state_notes(conn: psycopg.Connection, t: HistoryTarget) -> list[str]:
    """What the history says about a failed migration, before a consolidation replaces its versions: a
    dirty golang-migrate flag, failed Flyway rows (one line each; none when the table does not exist)."""
    if not _exists(conn, t):
        return []
    table = sql.Identifier(t.schema, t.table)
    if t.tool == "golang-migrate":
        cur = golang_current(conn, t)
        if cur and cur[1]:
            return [
                f"{t.display} is dirty at version {cur[0]} (a migration failed part-way): the consolidation "
                "was proven on a copy of the database in that state, and history_repair.sql clears the flag"
            ]
        return []
    if t.tool == "flyway":
        rows = conn.execute(
            sql.SQL("SELECT version, script FROM {} WHERE NOT success ORDER BY installed_rank").format(table)
        ).fetchall()
        return [
            f"{t.display} records a failed migration: version {r[0]} ({r[1]}); history_repair.sql removes "
            "the failed rows of the versions the clean set replaces"
            for r in rows
        ]
    if t.tool == "prisma":
        rows = conn.execute(
            sql.SQL(
                "SELECT migration_name FROM {} WHERE finished_at IS NULL AND rolled_back_at IS NULL "
                "ORDER BY started_at"
            ).format(table)
        ).fetchall()
        return [
            f"{t.display} records a failed migration: {r[0]} (prisma migrate deploy stops on it); "
            "history_repair.sql deletes its row, with those of the migrations the clean set replaces (the "
            "clean set describes the schema as the failed attempt left it; the backup keeps the rows)"
            for r in rows
        ]
    if t.tool == "sqlx":
        rows = conn.execute(
            sql.SQL("SELECT version, description FROM {} WHERE NOT success ORDER BY version").format(table)
        ).fetchall()
        return [
            f"{t.display} records a failed migration: version {r[0]} ({r[1]}; sqlx stops on it); "
            "history_repair.sql deletes the rows of the versions the clean set replaces"
            for r in rows
        ]
    return []


def ensure_table(conn: psycopg.Connection, t: HistoryTarget) -> None:
    table = sql.Identifier(t.schema, t.table)
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(t.schema)))
    if t.tool == "supabase":
        ddl = (
            "CREATE TABLE IF NOT EXISTS {} (version text NOT NULL PRIMARY KEY, statements text[], name text)"
        )
    elif t.tool == "dbmate":
        ddl = "CREATE TABLE IF NOT EXISTS {} (version varchar(128) NOT NULL PRIMARY KEY)"
    elif t.tool == "golang-migrate":
        ddl = "CREATE TABLE IF NOT EXISTS {} (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)"
    elif t.tool == "sqlx":  # as sqlx creates it
        ddl = (
            "CREATE TABLE IF NOT EXISTS {} (version bigint PRIMARY KEY, description text NOT NULL, "
            "installed_on timestamptz NOT NULL DEFAULT now(), success boolean NOT NULL, "
            "checksum bytea NOT NULL, execution_time bigint NOT NULL)"
        )
    elif t.tool == "prisma":  # as prisma migrate creates it
        ddl = (
            "CREATE TABLE IF NOT EXISTS {} (id varchar(36) PRIMARY KEY NOT NULL, "
            "checksum varchar(64) NOT NULL, "
            "finished_at timestamptz, migration_name varchar(255) NOT NULL, logs text, "
            "rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(), "
            "applied_steps_count integer NOT NULL DEFAULT 0)"
        )
    elif t.tool == "diesel":  # as diesel creates it
        ddl = (
            "CREATE TABLE IF NOT EXISTS {} (version varchar(50) PRIMARY KEY NOT NULL, "
            "run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
    else:
        ddl = (
            "CREATE TABLE IF NOT EXISTS {} (id serial PRIMARY KEY, version_id bigint NOT NULL, "
            "is_applied boolean NOT NULL, tstamp timestamp DEFAULT now())"
        )
    conn.execute(sql.SQL(ddl).format(table))


def record(
    conn: psycopg.Connection, t: HistoryTarget, version: str, name: str, statements: list[str]
) -> None:
    """Write the history row of one applied migration (inside its transaction)."""
    if t.tool in ("sqlx", "prisma"):  # checksums of the file's bytes: only a consolidate output's repair
        raise InputError(
            f"apply does not write {t.display} rows for single files: apply with {t.tool} itself"
        )
    table = sql.Identifier(t.schema, t.table)
    if t.tool == "supabase":
        conn.execute(
            sql.SQL("INSERT INTO {} (version, name, statements) VALUES (%s, %s, %s)").format(table),
            (version, name, statements),
        )
    elif t.tool in ("dbmate", "diesel"):  # diesel: run_on takes its default, as Diesel writes it
        conn.execute(sql.SQL("INSERT INTO {} (version) VALUES (%s)").format(table), (version,))
    elif t.tool == "golang-migrate":
        conn.execute(sql.SQL("DELETE FROM {}").format(table))
        conn.execute(
            sql.SQL("INSERT INTO {} (version, dirty) VALUES (%s, false)").format(table), (int(version),)
        )
    else:
        conn.execute(
            sql.SQL("INSERT INTO {} (version_id, is_applied) VALUES (%s, true)").format(table),
            (int(version),),
        )
