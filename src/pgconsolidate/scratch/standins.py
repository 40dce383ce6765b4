"""Stand-ins for extensions the scratch server cannot install (uuid-ossp, pgcrypto, http, pg_net,
pg_cron, moddatetime).

A stand-in gives the extension's schema-visible surface — types, domains and function signatures — so that
migrations which refer to it can be built and compared. Functions compute exactly what the extension
computes when core PostgreSQL can (``uuid_generate_v4``, ``uuid_generate_v3``, ``digest``/``hmac`` for md5
and SHA-2, ``gen_random_bytes``, the ``moddatetime`` trigger function), and RAISE otherwise (every request
of ``http``/``pg_net``): a stand-in never returns a wrong value. pg_cron's records a scheduled job in
``cron.job`` as pg_cron does (a job never runs: there is no worker). Each stand-in carries a comment
(``pgconsolidate stand-in for extension X``) on one of its functions, so a database says which stand-ins it
holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import psycopg
from psycopg import sql

from pgconsolidate.db.connect import load_sql

MARKER = "pgconsolidate stand-in for extension "


@dataclass(frozen=True)
class StandInSpec:
    extension: str
    sql_file: str
    fixed_schema: str | None  # pg_net always uses schema net, pg_cron schema cron
    note: str


SPECS: dict[str, StandInSpec] = {
    "uuid-ossp": StandInSpec(
        "uuid-ossp",
        "standin_uuid-ossp.sql",
        None,
        "uuid_generate_v4/v3 and uuid_ns_* compute; v1, v1mc and v5 raise",
    ),
    "pgcrypto": StandInSpec(
        "pgcrypto",
        "standin_pgcrypto.sql",
        None,
        "digest/hmac (md5, sha224-512) and gen_random_bytes compute; sha1, crypt, gen_salt and pgp_* raise",
    ),
    "http": StandInSpec(
        "http", "standin_http.sql", None, "types and signatures only; every request raises when called"
    ),
    "pg_net": StandInSpec(
        "pg_net", "standin_pg_net.sql", "net", "schema net with signatures; every request raises"
    ),
    "pg_cron": StandInSpec(
        "pg_cron",
        "standin_pg_cron.sql",
        "cron",
        "schema cron with cron.job; schedule/unschedule/alter_job record jobs as pg_cron does (the schedule "
        "checked); no job runs",
    ),
    "moddatetime": StandInSpec(
        "moddatetime",
        "standin_moddatetime.sql",
        None,
        "moddatetime() sets the named timestamp column to now() as the C trigger function does, and "
        "refuses what it refuses",
    ),
}

_CREATED = re.compile(r"^CREATE\s+(FUNCTION|TYPE|DOMAIN|SCHEMA(?:\s+IF\s+NOT\s+EXISTS)?)\s+([\w.]+)", re.M)


def has_stand_in(extension: str) -> bool:
    return extension in SPECS


@cache
def stand_in_sql(extension: str) -> str:
    return load_sql("pgconsolidate.scratch.sql", SPECS[extension].sql_file)


def stand_in_objects(extension: str, schema: str) -> tuple[str, ...]:
    """The objects the stand-in creates, as ``schema.name`` (functions once per name)."""
    seen: list[str] = []
    for kind, name in _CREATED.findall(stand_in_sql(extension)):
        ident = name if kind.startswith("SCHEMA") or "." in name else f"{schema}.{name}"
        if ident not in seen:
            seen.append(ident)
    return tuple(seen)


def install_stand_in(conn: psycopg.Connection, extension: str, schema: str | None) -> str:
    """Create the stand-in for ``extension`` in ``schema`` (default: the current schema); return the
    schema used. Runs in a transaction or savepoint, so a failure leaves nothing behind."""
    spec = SPECS[extension]
    row = conn.execute("SELECT current_schema(), current_setting('search_path')").fetchone()
    assert row is not None
    target = spec.fixed_schema or schema or str(row[0] or "public")
    # SET inside a transaction (or savepoint) is undone with it when the stand-in fails
    with conn.transaction():
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(target)))
        conn.execute(stand_in_sql(extension).encode())
        conn.execute("SELECT pg_catalog.set_config('search_path', %s, false)", [row[1]])
    return target


def installed_stand_ins(conn: psycopg.Connection) -> dict[str, str]:
    """The stand-ins a database holds: extension -> schema (found by their marker comments)."""
    rows = conn.execute(
        "SELECT d.description, n.nspname FROM pg_catalog.pg_description AS d "
        "JOIN pg_catalog.pg_proc AS p ON d.classoid = 'pg_catalog.pg_proc'::regclass AND d.objoid = p.oid "
        "JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace "
        "WHERE d.description LIKE %s",
        [MARKER + "%"],
    ).fetchall()
    return {str(desc)[len(MARKER) :].strip(): str(nsp) for desc, nsp in rows}
