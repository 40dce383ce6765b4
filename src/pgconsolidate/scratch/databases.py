"""Throwaway databases on a scratch server: create (optionally from a template), use, drop.

Each ``pgc_scratch_*`` database records its creator in its ``COMMENT``, and creating one first sweeps the
ones leaked by runs that were killed (:mod:`pgconsolidate.scratch.ownership`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, urlsplit, urlunsplit

from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pgconsolidate.db.connect import connection
from pgconsolidate.scratch.ownership import mark, sweep
from pgconsolidate.scratch.server import ScratchServer

PREFIX = "pgc_scratch_"


def url_for(base_url: str, dbname: str) -> str:
    """``base_url`` pointing at database ``dbname`` instead (works for URLs and key=value strings)."""
    if "://" in base_url:
        parts = urlsplit(base_url)
        return urlunsplit(parts._replace(path="/" + quote(dbname, safe="")))
    params = conninfo_to_dict(base_url)
    params["dbname"] = dbname
    return make_conninfo(**params)  # type: ignore[arg-type]


# CREATE DATABASE ... STRATEGY (WAL_LOG, FILE_COPY) exists from PostgreSQL 15 on; before it every copy of a
# template is a file copy, and the option is a syntax error (a PostgreSQL 14 scratch server failed on it)
STRATEGY_SINCE = 15


def copy_database_query(dbname: str, template: str, strategy: str, major: int | None) -> sql.Composed:
    """``CREATE DATABASE dbname TEMPLATE template STRATEGY strategy``, without the ``STRATEGY`` on a server
    older than PostgreSQL 15 (``major``; None: unknown, taken as recent)."""
    if strategy not in ("WAL_LOG", "FILE_COPY"):
        raise ValueError(f"unknown CREATE DATABASE strategy {strategy!r}")
    query = "CREATE DATABASE {} TEMPLATE {}"
    if major is None or major >= STRATEGY_SINCE:
        query += " STRATEGY " + strategy
    return sql.SQL(query).format(sql.Identifier(dbname), sql.Identifier(template))


def create_database(
    server: ScratchServer, *, template: str | None = None, name: str | None = None, keep: bool = False
) -> str:
    """Create a database (a copy of ``template`` when given) and return its connection URL.

    Leaked scratch databases are swept first; the new one records this process as its creator (and
    ``keep``: a kept database is never swept)."""
    dbname = name or f"{PREFIX}{secrets.token_hex(6)}"
    query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname))
    if template:
        query = copy_database_query(dbname, template, "FILE_COPY", server.major)
    with connection(server.admin_url, autocommit=True) as conn:
        sweep(conn, PREFIX)
        conn.execute(query)
        mark(conn, dbname, keep=keep)
    return url_for(server.admin_url, dbname)


def keep_database(server: ScratchServer, dbname: str) -> None:
    """Mark ``dbname`` as kept at the user's request: a sweep never drops it (internal runs that hold a
    database until they are done do not mark it, so it is swept if they are killed)."""
    with connection(server.admin_url, autocommit=True) as conn:
        mark(conn, dbname, keep=True)


def drop_database(server: ScratchServer, dbname: str) -> None:
    """Drop ``dbname`` even if sessions are still connected to it."""
    with connection(server.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))


def database_name(url: str) -> str:
    return str(conninfo_to_dict(url).get("dbname", ""))


@contextmanager
def throwaway_database(
    server: ScratchServer, *, template: str | None = None, keep: bool = False
) -> Iterator[str]:
    """Yield the URL of a fresh database that is dropped afterwards (unless ``keep``)."""
    url = create_database(server, template=template, keep=keep)
    try:
        yield url
    finally:
        if not keep:
            drop_database(server, database_name(url))
