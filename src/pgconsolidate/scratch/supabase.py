"""The Supabase-compatible base that scratch databases get when migrations expect Supabase."""

from __future__ import annotations

from psycopg import sql

from pgconsolidate.db.connect import connection, load_sql

# Supabase's default search_path: the database setting every new session starts with.
SUPABASE_SEARCH_PATH = '"$user", public, extensions'


def base_sql() -> str:
    return load_sql("pgconsolidate.scratch.sql", "supabase_base.sql")


def install_supabase_base(url: str) -> None:
    """Install the base into the database at ``url`` and set Supabase's default ``search_path``."""
    with connection(url, autocommit=True) as conn:
        conn.execute(base_sql().encode())
        dbname = conn.info.dbname
        conn.execute(
            sql.SQL("ALTER DATABASE {} SET search_path TO {}").format(
                sql.Identifier(dbname), sql.SQL(SUPABASE_SEARCH_PATH)
            )
        )
