"""The source's roles on the scratch server, so that a dump of it restores with owners and grants (I/O).

Used by the verified backups (``deploy.backup``) and by the proof's copy of the live database
(``verify.livecopy``): both restore a ``pg_dump`` of another server into a throwaway scratch database.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from pgconsolidate.db.connect import connection, load_sql
from pgconsolidate.scratch.server import ScratchServer


def ensure_roles(source_url: str, server: ScratchServer) -> list[str]:
    """Create on the scratch server (NOLOGIN, no attributes) every role of the source it lacks."""
    with connection(source_url, autocommit=True) as conn:
        wanted = [
            str(r[0]) for r in conn.execute(load_sql("pgconsolidate.scratch.sql", "roles.sql").encode())
        ]
    created: list[str] = []
    with connection(server.admin_url, autocommit=True) as conn:
        have = {str(r[0]) for r in conn.execute("SELECT rolname FROM pg_roles")}
        for role in wanted:
            if role not in have:
                try:
                    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
                    created.append(role)
                except psycopg.Error:  # created concurrently by another verification
                    continue
    return created
