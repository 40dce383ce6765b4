"""Facts about a live database that backups, apply and rollback rely on.

Exact per-table row counts (``count(*)``, never the planner's estimates) are taken over up to ``workers``
connections in parallel, optionally all inside one exported snapshot so that they describe exactly the
same moment as a ``pg_dump --snapshot``. The catalog fingerprint is the sha256 of the catalog snapshot
(:mod:`pgconsolidate.catalog`) with its source URL and server version left out, so that the same schema
on two servers gives the same fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg import sql

from pgconsolidate.catalog import Snapshot, read_snapshot
from pgconsolidate.catalog.serialize import snapshot_to_dict
from pgconsolidate.compare import SnapshotDiff, diff_snapshots
from pgconsolidate.db.connect import connect, connection, load_sql, one_line
from pgconsolidate.errors import DatabaseError, InputError
from pgconsolidate.redact import redact_url

QUERIES = "pgconsolidate.deploy.queries"


@dataclass(frozen=True)
class ServerFacts:
    server_version: int  # server_version_num, e.g. 180001
    server_version_text: str
    database: str
    in_recovery: bool
    size_bytes: int

    @property
    def major(self) -> int:
        return self.server_version // 10000


def server_facts(url: str) -> ServerFacts:
    with connection(url, autocommit=True) as conn:
        row = conn.execute(load_sql(QUERIES, "server_facts.sql").encode()).fetchone()
    assert row is not None
    return ServerFacts(int(row[0]), str(row[1]), str(row[2]), bool(row[3]), int(row[4]))


def refuse_recovery(facts: ServerFacts, url: str) -> None:
    """A standby cannot be changed (and a backup of it is not what the user means): a clear error."""
    if facts.in_recovery:
        raise DatabaseError(
            f"{redact_url(url)} is in recovery (a read-only standby): point --database-url at the primary"
        )


def check_space(directory: Path, needed_bytes: int) -> None:
    """Refuse before writing anything when ``directory``'s file system has less than ``needed_bytes`` free."""
    probe = directory
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < needed_bytes:
        raise InputError(
            f"no space for the backup in {directory}: {free // 2**20} MiB free, "
            f"about {needed_bytes // 2**20} MiB needed (estimated from pg_database_size); "
            "free some space or pass --out DIR"
        )


def user_tables(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return [(str(r[0]), str(r[1])) for r in conn.execute(load_sql(QUERIES, "user_tables.sql").encode())]


def _count_some(
    url: str, tables: list[tuple[str, str]], snapshot: str | None, lock_timeout: str
) -> dict[str, int]:
    counts: dict[str, int] = {}
    conn = connect(url)
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            if snapshot:
                conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
            conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(lock_timeout)))
            for schema, name in tables:
                q = sql.SQL("SELECT count(*) FROM ONLY {}").format(sql.Identifier(schema, name))
                row = conn.execute(q).fetchone()
                counts[f"{schema}.{name}"] = int(row[0]) if row else 0
    except psycopg.Error as exc:
        hint = " (a table stayed locked past the lock timeout)" if exc.sqlstate == "55P03" else ""
        raise DatabaseError(f"cannot count rows in {redact_url(url)}: {one_line(exc)}{hint}") from None
    finally:
        conn.close()
    return counts


def row_counts(
    url: str, *, snapshot: str | None = None, workers: int = 2, lock_timeout: str = "60s"
) -> dict[str, int]:
    """Exact row count of every table (``schema.table`` → rows), sorted by name."""
    with connection(url, autocommit=True) as conn:
        tables = user_tables(conn)
    if not tables:
        return {}
    workers = max(1, min(workers, len(tables)))
    shards: list[list[tuple[str, str]]] = [tables[i::workers] for i in range(workers)]
    counts: dict[str, int] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for part in pool.map(lambda s: _count_some(url, s, snapshot, lock_timeout), shards):
            counts.update(part)
    return dict(sorted(counts.items()))


def catalog_snapshot(url: str, *, lock_timeout: str = "60s") -> Snapshot:
    """The whole catalog, Supabase-managed schemas included (a backup carries them too).

    Reading some catalog details waits for table locks: ``lock_timeout`` bounds that wait.
    """
    from psycopg.conninfo import make_conninfo

    bounded = make_conninfo(url, options=f"-c lock_timeout={lock_timeout}")
    if "://" in url:  # keep the URL form (and its redaction) for messages
        bounded = url + ("&" if "?" in url else "?") + "options=" + quote(f"-c lock_timeout={lock_timeout}")
    return read_snapshot(bounded, include_managed_schemas=True)


def fingerprint(snapshot: Snapshot) -> str:
    doc: dict[str, Any] = snapshot_to_dict(snapshot)
    doc.pop("source", None)
    doc.pop("server_version", None)
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def catalog_diff(before: Snapshot, after: Snapshot) -> SnapshotDiff:
    """How ``after``'s catalog differs from ``before``'s (the one function to swap for another comparer)."""
    return diff_snapshots(before, after)


def count_mismatches(expected: dict[str, int], actual: dict[str, int]) -> list[str]:
    """Human-readable differences between two row-count maps (empty when they are equal)."""
    problems: list[str] = []
    for table in sorted(set(expected) | set(actual)):
        e, a = expected.get(table), actual.get(table)
        if e is None:
            problems.append(f"{table}: not in the backup ({a} rows now)")
        elif a is None:
            problems.append(f"{table}: missing ({e} rows expected)")
        elif e != a:
            problems.append(f"{table}: {a} rows, expected {e}")
    return problems


def describe_diff(diff: SnapshotDiff, when: str, limit: int = 20) -> list[str]:
    """One line per catalog difference (at most ``limit``), for manifests and reports."""
    verbs = {"added": "appeared", "removed": "missing", "changed": "differs"}
    lines = [
        f"catalog: {d.kind} {d.identity} {verbs.get(d.change, d.change)} {when}" for d in diff.differences
    ]
    if len(lines) > limit:
        lines = [*lines[:limit], f"catalog: ... and {len(lines) - limit} more differences"]
    return lines
