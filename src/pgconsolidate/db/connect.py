"""Open psycopg connections with errors the user can read (and no credentials in them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

import psycopg

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


def connect(
    url: str, *, autocommit: bool = False, application_name: str = "pgconsolidate"
) -> psycopg.Connection:
    """Connect to ``url``; raise :class:`DatabaseError` with a redacted one-line message on failure."""
    try:
        return psycopg.connect(
            url,
            autocommit=autocommit,
            application_name=application_name,
            connect_timeout=int(os.environ.get("PGCONSOLIDATE_CONNECT_TIMEOUT", "10")),
        )
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to {redact_url(url)}: {one_line(exc)}") from None
    except ValueError as exc:  # malformed conninfo
        raise DatabaseError(f"invalid database URL {redact_url(url)}: {redact_text(str(exc))}") from None


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
