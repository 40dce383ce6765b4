"""Stand-ins for extensions the scratch server cannot install (uuid-ossp, pgcrypto, http, pg_net).

A stand-in gives the extension's schema-visible surface — types, domains and function signatures — so that
migrations which refer to it can be built and compared. Functions compute exactly what the extension
computes when core PostgreSQL can (``uuid_generate_v4``, ``uuid_generate_v3``, ``digest``/``hmac`` for md5
and SHA-2, ``gen_random_bytes``), and RAISE otherwise (every request of ``http``/``pg_net``): a stand-in
never returns a wrong value. Each stand-in is recorded in the replay's result and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pgconsolidate.db.connect import load_sql


@dataclass(frozen=True)
class StandInSpec:
    extension: str
    sql_file: str
    fixed_schema: str | None  # pg_net always uses schema net
    note: str


SPECS: dict[str, StandInSpec] = {
    "uuid-ossp": StandInSpec(
        "uuid-ossp", "uuid-ossp.sql", None, "uuid_generate_v4/v3 and uuid_ns_* compute; v1, v1mc and v5 raise"
    ),
    "pgcrypto": StandInSpec(
        "pgcrypto",
        "pgcrypto.sql",
        None,
        "digest/hmac (md5, sha224-512) and gen_random_bytes compute; sha1, crypt, gen_salt and pgp_* raise",
    ),
    "http": StandInSpec(
        "http", "http.sql", None, "types and signatures only; every request raises when called"
    ),
    "pg_net": StandInSpec("pg_net", "pg_net.sql", "net", "schema net with signatures; every request raises"),
}

_CREATED = re.compile(r"^CREATE\s+(FUNCTION|TYPE|DOMAIN|SCHEMA(?:\s+IF\s+NOT\s+EXISTS)?)\s+([\w.]+)", re.M)


def has_stand_in(extension: str) -> bool:
    return extension in SPECS


@cache
def stand_in_sql(extension: str) -> str:
    return load_sql("pgconsolidate.replay.sql", SPECS[extension].sql_file)


def stand_in_objects(extension: str, schema: str) -> tuple[str, ...]:
    """The objects the stand-in creates, as ``schema.name`` (functions once per name)."""
    seen: list[str] = []
    for kind, name in _CREATED.findall(stand_in_sql(extension)):
        ident = name if kind.startswith("SCHEMA") or "." in name else f"{schema}.{name}"
        if ident not in seen:
            seen.append(ident)
    return tuple(seen)
