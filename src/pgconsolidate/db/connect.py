"""Open psycopg connections with errors the user can read (and no credentials in them)."""

from __future__ import annotations

import ipaddress
import os
import select
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from importlib import resources
from typing import Any

import psycopg
from psycopg import pq
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pgconsolidate.errors import DatabaseError
from pgconsolidate.redact import redact_text, redact_url


def database_url(explicit: str | None) -> str | None:
    """The URL given on the command line, else ``DATABASE_URL``, else None."""
    return explicit or os.environ.get("DATABASE_URL") or None


def one_line(exc: BaseException) -> str:
    """PostgreSQL's message reduced to its first meaningful line, credentials masked."""
    text = str(exc).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # libpq puts the useful part after 'connection ... failed:'
    line = lines[0] if lines else type(exc).__name__  # PostgreSQL's message; later lines are LINE/^/HINT
    for ln in lines:
        if "FATAL" in ln or "failed:" in ln or "error" in ln.lower():
            line = ln
            break
    return redact_text(line)


def _connect_timeout() -> int:
    return int(os.environ.get("PGCONSOLIDATE_CONNECT_TIMEOUT", "10"))


def connect(
    url: str,
    *,
    autocommit: bool = False,
    application_name: str = "pgconsolidate",
    started: StartedConnection | None = None,
) -> psycopg.Connection:
    """Connect to ``url``; raise :class:`DatabaseError` with a redacted one-line message on failure.

    With ``started`` (from :func:`start_connect` on the same ``url``), that connection is completed
    instead of a new one being opened."""
    if started is not None:
        conn = started.finish()
        if autocommit:
            conn.autocommit = True
        return conn
    try:
        return psycopg.connect(
            url,
            autocommit=autocommit,
            application_name=application_name,
            connect_timeout=_connect_timeout(),
        )
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to {redact_url(url)}: {one_line(exc)}") from None
    except ValueError as exc:  # malformed conninfo
        raise DatabaseError(f"invalid database URL {redact_url(url)}: {redact_text(str(exc))}") from None


class StartedConnection:
    """A connection whose opening was started by :func:`start_connect` (libpq's non-blocking
    ``PQconnectStart``, the startup packet sent), so that the server starts its backend while this
    process does other work (opens another session, sends its first queries); :meth:`finish` (through
    :func:`connect`'s ``started``) completes it, in any one thread; :meth:`close` drops it unused.

    A server's backend takes a few milliseconds to start (fork, authentication, catalog caches); two
    sessions opened one after the other pay that twice in a row, two started together about once."""

    def __init__(self, url: str, pgconn: pq.abc.PGconn) -> None:
        self._url = url
        self._pgconn: pq.abc.PGconn | None = pgconn
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def _poll(self, wait: float) -> bool:
        """Advance the connection (waiting up to ``wait`` seconds for its socket when libpq asks to):
        True once it is open; raises :class:`DatabaseError` when it failed."""
        pgconn = self._pgconn
        assert pgconn is not None
        while True:
            bad = pgconn.status == pq.ConnStatus.BAD
            status = pq.PollingStatus.FAILED if bad else pgconn.connect_poll()
            if status == pq.PollingStatus.OK:
                return True
            if status == pq.PollingStatus.FAILED:
                message = "connection failed: " + pgconn.error_message.decode("utf-8", "replace")
                pgconn.finish()
                self._pgconn = None
                raise DatabaseError(
                    f"cannot connect to {redact_url(self._url)}: {one_line(Exception(message))}"
                )
            poller = select.poll()
            poller.register(
                pgconn.socket, select.POLLIN if status == pq.PollingStatus.READING else select.POLLOUT
            )
            if not poller.poll(wait * 1000):
                return False

    def advance(self) -> None:
        """Go as far as the socket allows without waiting (the startup packet is sent)."""
        with self._lock:
            if self._pgconn is not None:
                with suppress(DatabaseError):  # reported again by finish() (the connection is None)
                    self._poll(0.0)

    def finish(self) -> psycopg.Connection:
        """The open connection (a :class:`psycopg.Connection`, as :func:`connect` makes), waiting for
        the server up to the connect timeout; :class:`DatabaseError` when it cannot be opened."""
        with self._lock:
            if self._pgconn is None:
                raise DatabaseError(f"cannot connect to {redact_url(self._url)}: the connection failed")
            deadline = self._started + _connect_timeout()
            while not self._poll(max(0.0, deadline - time.monotonic())):
                if time.monotonic() >= deadline:
                    self._drop()
                    raise DatabaseError(
                        f"cannot connect to {redact_url(self._url)}: connection timeout expired"
                    )
            pgconn, self._pgconn = self._pgconn, None
        assert pgconn is not None
        pgconn.nonblocking = 1  # as psycopg's own connect leaves it
        return psycopg.Connection(pgconn)

    def _drop(self) -> None:
        if self._pgconn is not None:
            self._pgconn.finish()
            self._pgconn = None

    def close(self) -> None:
        """Drop the connection if it was not finished (idempotent)."""
        with self._lock:
            self._drop()


def _resolved(params: dict[str, Any]) -> bool:
    """Whether libpq can reach every host of ``params`` without a name lookup: Unix-domain sockets (the
    default, or a path), ``localhost``, addresses, or ``hostaddr`` given."""
    if params.get("hostaddr"):
        return True
    hosts = str(params.get("host") or os.environ.get("PGHOST") or "")
    for host in hosts.split(",") if hosts else []:
        if not host or host.startswith("/") or host.startswith("@") or host == "localhost":
            continue
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return False
    return True


def start_connect(url: str, *, application_name: str = "pgconsolidate") -> StartedConnection | None:
    """Start opening a connection to ``url`` without waiting for the server (see
    :class:`StartedConnection`); None when it cannot be started so (a malformed URL, libpq refusing
    at once) or not without waiting (a host name to resolve: libpq would look it up here, in the
    caller's thread): :func:`connect` then opens it (and reports why it cannot)."""
    try:
        conninfo = make_conninfo(url, application_name=application_name, connect_timeout=_connect_timeout())
        if not _resolved(conninfo_to_dict(conninfo)):
            return None
        pgconn = pq.PGconn.connect_start(conninfo.encode())
    except (psycopg.Error, ValueError):
        return None
    if pgconn.status == pq.ConnStatus.BAD:
        pgconn.finish()
        return None
    started = StartedConnection(url, pgconn)
    started.advance()
    return started


@contextmanager
def connection(url: str, *, autocommit: bool = False) -> Iterator[psycopg.Connection]:
    """A connection that is closed on exit; errors inside become :class:`DatabaseError`."""
    conn = connect(url, autocommit=autocommit)
    try:
        with conn:
            yield conn
    except psycopg.Error as exc:
        raise DatabaseError(f"{redact_url(url)}: {one_line(exc)}") from None
    finally:
        conn.close()


def load_sql(package: str, name: str) -> str:
    """Read a ``.sql`` file that ships inside ``package`` (catalog queries live in files, not strings)."""
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")
