"""The Supabase-compatible base that scratch databases get when migrations expect Supabase.

``install_supabase_base(url)`` installs it into one database. ``supabase_database(server)`` is the fast
path replay uses: the base is installed once per server into a template database named after a hash of
the base SQL (so a changed base gets a new template), guarded by an advisory lock so that concurrent
processes build it once, and each scratch database is a copy of it. Database-level settings are not
copied by ``CREATE DATABASE ... TEMPLATE``, so Supabase's default ``search_path`` is set on each copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets

import psycopg
from psycopg import sql

from pgconsolidate.db.connect import connection, load_sql
from pgconsolidate.scratch.databases import (
    PREFIX,
    copy_database_query,
    create_database,
    drop_database,
    url_for,
)
from pgconsolidate.scratch.ownership import mark, sweep
from pgconsolidate.scratch.server import ScratchServer
from pgconsolidate.scratch.standins import install_stand_in, installed_stand_ins, stand_in_sql

# Supabase's default search_path: the database setting every new session starts with.
SUPABASE_SEARCH_PATH = '"$user", public, extensions'
TEMPLATE_PREFIX = "pgc_tpl_supabase_"
# extensions a hosted Supabase project has in schema extensions before any migration
PREINSTALLED = ("uuid-ossp", "pgcrypto")
# extensions every hosted Supabase project has installed (``supabase db pull`` writes CREATE EXTENSION IF NOT
# EXISTS for each): on a scratch server without them the statement is the platform's, not a failure
PLATFORM_EXTENSIONS = frozenset(
    {"pg_graphql", "pgsodium", "supabase_vault", "pg_stat_statements", "pgjwt", "plpgsql"}
)


def base_sql() -> str:
    return load_sql("pgconsolidate.scratch.sql", "supabase_base.sql")


def set_supabase_search_path(url: str) -> None:
    """``ALTER DATABASE <db> SET search_path TO "$user", public, extensions`` on the database at ``url``."""
    with connection(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} SET search_path TO {}").format(
                sql.Identifier(conn.info.dbname), sql.SQL(SUPABASE_SEARCH_PATH)
            )
        )


def install_supabase_base(url: str) -> None:
    """Install the base into the database at ``url`` and set Supabase's default ``search_path``.

    Like a hosted project, the base has ``uuid-ossp`` and ``pgcrypto`` in schema ``extensions``: the real
    extensions when the server has them, else their stand-ins (see ``standins``).
    """
    with connection(url, autocommit=True) as conn:
        conn.execute(base_sql().encode())
        available = {
            str(r[0])
            for r in conn.execute(
                "SELECT name FROM pg_catalog.pg_available_extensions WHERE name = ANY(%s)",
                [list(PREINSTALLED)],
            ).fetchall()
        }
        have = installed_stand_ins(conn)
        for ext in PREINSTALLED:
            if ext in available:
                conn.execute(
                    sql.SQL("CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA extensions").format(
                        sql.Identifier(ext)
                    )
                )
            elif ext not in have:
                # a copy of a live database may already have these functions
                with contextlib.suppress(psycopg.errors.DuplicateFunction, psycopg.errors.DuplicateObject):
                    install_stand_in(conn, ext, "extensions")
    set_supabase_search_path(url)


def template_name() -> str:
    """The template database's name: changes whenever the base SQL (or a stand-in it uses) changes."""
    digest = hashlib.sha256(base_sql().encode())
    for ext in PREINSTALLED:
        digest.update(stand_in_sql(ext).encode())
    return TEMPLATE_PREFIX + digest.hexdigest()[:12]


def _drop_stale_templates(conn: psycopg.Connection, *, keep: str) -> None:
    """Drop templates of earlier versions of the base (skipped while something uses them)."""
    rows = conn.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
        [TEMPLATE_PREFIX + "%", keep],
    ).fetchall()
    for (old,) in rows:
        try:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(str(old))))
        except psycopg.Error:
            continue


def ensure_supabase_template(server: ScratchServer) -> str:
    """Create the template database holding the base unless it exists; return its name.

    Built under another name and renamed when complete, so a half-built template is never used; a build
    that fails is dropped (it was left on the server, ``<name>_build``, when the base could not install).
    """
    name = template_name()
    building = name + "_build"
    with connection(server.admin_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [name])
        try:
            row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if row is None:
                drop_database(server, building)
                url = create_database(server, name=building)
                try:
                    install_supabase_base(url)
                except BaseException:  # a failed build leaves nothing on the server (it may be the user's)
                    with contextlib.suppress(psycopg.Error):
                        drop_database(server, building)
                    raise
                conn.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(building), sql.Identifier(name)
                    )
                )
                _drop_stale_templates(conn, keep=name)
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [name])
    return name


def supabase_database(server: ScratchServer, *, name: str | None = None, keep: bool = False) -> str:
    """A new database holding the Supabase base (a copy of the template); returns its URL. Leaked scratch
    databases are swept first; the new one records its creator (see ``ownership``)."""
    template = ensure_supabase_template(server)
    dbname = name or f"{PREFIX}{secrets.token_hex(6)}"
    # WAL_LOG copies the small template through the WAL; FILE_COPY would force a checkpoint of the whole
    # cluster, which costs seconds on a busy server (before PostgreSQL 15 a file copy is the only way)
    with connection(server.admin_url, autocommit=True) as conn:
        sweep(conn, PREFIX)
        try:
            conn.execute(copy_database_query(dbname, template, "WAL_LOG", server.major))
        except psycopg.errors.InvalidCatalogName:
            # another process running another version of the base dropped this template as stale between
            # its creation and this copy: build it again, once
            template = ensure_supabase_template(server)
            conn.execute(copy_database_query(dbname, template, "WAL_LOG", server.major))
        mark(conn, dbname, keep=keep)
    url = url_for(server.admin_url, dbname)
    set_supabase_search_path(url)
    return url


__all__ = [
    "SUPABASE_SEARCH_PATH",
    "base_sql",
    "ensure_supabase_template",
    "install_supabase_base",
    "set_supabase_search_path",
    "supabase_database",
    "template_name",
    "url_for",
]
