"""The advisory lock that makes ``apply`` and ``rollback`` exclusive per database.

A session-level ``pg_try_advisory_lock`` on a connection of its own, retried until ``timeout`` seconds
have passed. The lock goes away with the session, so a killed run never leaves it behind.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from pgconsolidate.db.connect import connect
from pgconsolidate.errors import DatabaseError
from pgconsolidate.redact import redact_url

# 'pgconsol' as a big-endian 64-bit integer: the key every pgconsolidate run takes.
LOCK_KEY = int.from_bytes(b"pgconsol", "big", signed=True)


@contextmanager
def advisory_lock(url: str, *, timeout: float, what: str = "apply", poll: float = 0.2) -> Iterator[None]:
    """Hold the pgconsolidate advisory lock on ``url``'s database; a clear error after ``timeout`` s."""
    conn = connect(url, autocommit=True)
    try:
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
            if row and row[0]:
                break
            if time.monotonic() >= deadline:
                holder = conn.execute(
                    "SELECT a.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                    "WHERE l.locktype = 'advisory' AND l.granted "
                    "AND ((l.classid::bigint << 32) | l.objid::bigint) = %s LIMIT 1",
                    (LOCK_KEY,),
                ).fetchone()
                who = (
                    f" (held by backend pid {holder[0]}, {holder[1] or 'no application name'})"
                    if holder
                    else ""
                )
                raise DatabaseError(
                    f"another pgconsolidate apply or rollback is running on {redact_url(url)}{who}; "
                    f"gave up after --lock-timeout {timeout:g}s: nothing was done"
                )
            time.sleep(poll)
        yield
    finally:
        conn.close()
