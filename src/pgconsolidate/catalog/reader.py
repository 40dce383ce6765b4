"""Read a live database's catalog into a :class:`~pgconsolidate.catalog.model.Snapshot`.

One query per kind of object (``catalog/queries/<kind>.sql``), all inside one read-only REPEATABLE READ
transaction so that the snapshot is consistent, with a ``search_path`` of ``pg_catalog``, ``public`` and
every extension's schema so that ``format_type`` spells types the way the shared identity convention
wants (``vector(1536)``, not ``extensions.vector(1536)``).
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row

from pgconsolidate.catalog.model import OBJECT_KINDS, CatalogObject, Function, Snapshot, View
from pgconsolidate.catalog.normalize import body_hash, normalize_definition
from pgconsolidate.db.connect import connect, load_sql, one_line
from pgconsolidate.errors import DatabaseError
from pgconsolidate.redact import redact_url

QUERIES = "pgconsolidate.catalog.queries"

# Schemas PostgreSQL itself owns: never read.
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")

# Schemas Supabase (and its extensions) create and manage: left out unless asked.
MANAGED_SCHEMAS = (
    "auth",
    "storage",
    "realtime",
    "_realtime",
    "supabase_functions",
    "supabase_migrations",
    "extensions",
    "graphql",
    "graphql_public",
    "pgsodium",
    "pgsodium_masks",
    "vault",
    "net",
    "cron",
    "pgbouncer",
    "_analytics",
    "pgtle",
)


def skipped_schemas(include_managed_schemas: bool) -> list[str]:
    """The schemas whose objects are not read."""
    return list(SYSTEM_SCHEMAS) + ([] if include_managed_schemas else list(MANAGED_SCHEMAS))


def _value(v: Any) -> Any:
    if isinstance(v, list):
        return tuple("" if x is None else str(x) for x in v)
    return v


def _build(cls: type[CatalogObject], row: dict[str, Any]) -> CatalogObject:
    values = {k: _value(v) for k, v in row.items()}
    if cls is Function:
        values["body_hash"] = body_hash(values.pop("body"))
    elif cls is View:
        values["definition"] = normalize_definition(values["definition"] or "")
    return cls(**values)


def _set_search_path(conn: psycopg.Connection) -> None:
    rows = conn.execute(
        "SELECT DISTINCT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'public') ORDER BY 1"
    ).fetchall()
    path = sql.SQL(", ").join(
        [sql.Identifier("pg_catalog"), sql.Identifier("public"), *(sql.Identifier(r[0]) for r in rows)]
    )
    conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(path))


def read_snapshot_from(
    conn: psycopg.Connection,
    *,
    source: str,
    include_extension_objects: bool = False,
    include_managed_schemas: bool = False,
) -> Snapshot:
    """Read the catalog over an open (non-autocommit) connection.

    On an idle connection this opens its own read-only REPEATABLE READ transaction; inside a transaction
    that is already open it reads within a savepoint, so it sees that transaction's own changes.
    """
    params = {
        "skip_schemas": skipped_schemas(include_managed_schemas),
        "include_ext": include_extension_objects,
    }
    kinds: dict[str, tuple[CatalogObject, ...]] = {}
    idle = conn.info.transaction_status == TransactionStatus.IDLE
    with conn.transaction():
        if idle:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        _set_search_path(conn)
        server_version = conn.info.server_version
        with conn.cursor(row_factory=dict_row) as cur:
            for name, cls in OBJECT_KINDS.items():
                query = load_sql(QUERIES, f"{name}.sql")
                cur.execute(query.encode("utf-8"), params)
                objects = [_build(cls, row) for row in cur.fetchall()]
                objects.sort(key=lambda o: o.identity)
                kinds[name] = tuple(objects)
    return Snapshot(source=source, server_version=server_version, **kinds)  # type: ignore[arg-type]


def read_snapshot(
    url: str, *, include_extension_objects: bool = False, include_managed_schemas: bool = False
) -> Snapshot:
    """Connect to ``url`` and read its schema; errors become one redacted line (:class:`DatabaseError`)."""
    conn = connect(url)
    try:
        return read_snapshot_from(
            conn,
            source=redact_url(url),
            include_extension_objects=include_extension_objects,
            include_managed_schemas=include_managed_schemas,
        )
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot read the catalog of {redact_url(url)}: {one_line(exc)}") from None
    finally:
        conn.close()
