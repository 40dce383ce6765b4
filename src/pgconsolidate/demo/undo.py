"""Undo a ``demo-db`` build that failed in a database that was empty before it (I/O).

``demo-db --database-url URL`` builds into an existing, empty database: it cannot drop it (it is the
user's), and the build cannot run in one transaction (every migration file runs in its own, as its tool
runs it). So what the database holds is recorded first (:func:`capture`), and a build that fails is undone
object by object (:func:`undo`), in one transaction: event triggers, publications, extensions and schemas
it created, the relations, types and routines it created in schemas that existed before, the database
settings it added and the roles it created (with their privileges). The database ends as it was.

Roles belong to the whole server, not to the database: a role that appeared while the build ran is dropped
only when the SQL the build ran names it (:func:`named_in`: the Supabase base, the migration files), so a
role another session made on a shared server meanwhile is never dropped with everything it owns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from psycopg import sql

from pgconsolidate.db.connect import connection, load_sql

QUERIES = "pgconsolidate.demo.sql"

_RELATION = {
    "r": "TABLE",
    "p": "TABLE",
    "v": "VIEW",
    "m": "MATERIALIZED VIEW",
    "S": "SEQUENCE",
    "f": "FOREIGN TABLE",
}


@dataclass(frozen=True)
class BeforeBuild:
    """What the database held: (kind, schema, name, subkind) rows of ``before_build.sql``."""

    rows: frozenset[tuple[str, str, str, str]]


def capture(url: str) -> BeforeBuild:
    """What the database at ``url`` holds now."""
    with connection(url, autocommit=True) as conn:
        rows = conn.execute(load_sql(QUERIES, "before_build.sql").encode()).fetchall()
    return BeforeBuild(frozenset((str(a), str(b), str(c), str(d)) for a, b, c, d in rows))


def named_in(role: str, texts: Iterable[str]) -> bool:
    """Whether one of ``texts`` (SQL) names ``role``: as a word in any case when it is a lower-case
    identifier, else double-quoted as PostgreSQL needs it."""
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", role):
        pattern = re.compile(rf"(?<![\w$\"]){re.escape(role)}(?![\w$])", re.IGNORECASE)
    else:
        pattern = re.compile(re.escape('"' + role.replace('"', '""') + '"'))
    return any(pattern.search(text) for text in texts)


def undo(url: str, before: BeforeBuild, sources: Iterable[str]) -> int:
    """Drop everything the database at ``url`` holds beyond ``before``; returns how many objects. A new
    role is dropped only when ``sources`` (the SQL the build ran) names it (:func:`named_in`)."""
    after = capture(url)
    new = sorted(after.rows - before.rows)
    old_schemas = {name for kind, _, name, _ in before.rows if kind == "schema"}
    drops: list[sql.Composed] = []

    def of(kind: str) -> list[tuple[str, str, str]]:
        return [(schema, name, sub) for k, schema, name, sub in new if k == kind]

    for _, name, _ in of("event trigger"):
        drops.append(sql.SQL("DROP EVENT TRIGGER IF EXISTS {} CASCADE").format(sql.Identifier(name)))
    for _, name, _ in of("publication"):
        drops.append(sql.SQL("DROP PUBLICATION IF EXISTS {}").format(sql.Identifier(name)))
    for _, name, _ in of("extension"):
        drops.append(sql.SQL("DROP EXTENSION IF EXISTS {} CASCADE").format(sql.Identifier(name)))
    for _, name, _ in of("schema"):
        drops.append(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))
    for schema, name, sub in of("relation"):
        if schema in old_schemas and sub in _RELATION:
            drops.append(
                sql.SQL("DROP {} IF EXISTS {} CASCADE").format(
                    sql.SQL(_RELATION[sub]), sql.Identifier(schema, name)
                )
            )
    for schema, name, sub in of("type"):
        if schema in old_schemas:
            what = sql.SQL("DOMAIN" if sub == "d" else "TYPE")
            drops.append(sql.SQL("DROP {} IF EXISTS {} CASCADE").format(what, sql.Identifier(schema, name)))
    routines = [int(name) for schema, name, _ in of("routine") if schema in old_schemas]
    settings = [name for _, name, _ in of("setting")]
    texts = tuple(sources)
    roles = [name for _, name, _ in of("role") if named_in(name, texts)]
    with connection(url) as conn:
        dbname = conn.info.dbname
        for stmt in drops:
            conn.execute(stmt)
        for oid in routines:
            # the routine's signature as the server quotes it (it may already be gone with a cascade)
            row = conn.execute(
                "SELECT format('DROP ROUTINE IF EXISTS %%s CASCADE', p.oid::pg_catalog.regprocedure) "
                "FROM pg_catalog.pg_proc AS p WHERE p.oid = %s",
                (oid,),
            ).fetchone()
            if row:
                conn.execute(str(row[0]).encode())
        for name in settings:
            conn.execute(
                sql.SQL("ALTER DATABASE {} RESET {}").format(sql.Identifier(dbname), sql.Identifier(name))
            )
        for role in roles:
            conn.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(role)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        conn.commit()
    return len(new)
