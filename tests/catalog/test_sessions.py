"""The extra reading sessions: opened while the main one starts, closed unused for a small catalog."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module

from .schema import build


def _sessions(url: str) -> int:
    """The reader's sessions open in the database. Counted from a session of another application name:
    each count's own server process leaves pg_stat_activity a moment after it is closed, and a count made
    right after another, under the reader's name, saw the previous one's (a failure seen once under the
    full suite's load)."""
    with psycopg.connect(url, autocommit=True, application_name="pgconsolidate-tests") as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'pgconsolidate' AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(row[0]) if row else -1


def _settled_sessions(url: str, deadline: float) -> int:
    """:func:`_sessions` once none is left, or at ``deadline``: a closed session's server process leaves
    pg_stat_activity a moment after its client has closed it."""
    left = _sessions(url)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = _sessions(url)
    return left


def test_small_catalog_closes_the_extra_sessions(scratch_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    build(scratch_db)
    opened: list[str] = []
    real_connect = reader_module.connect

    def counting(url: str, **kwargs: Any) -> psycopg.Connection:
        opened.append(url)
        return real_connect(url, **kwargs)

    monkeypatch.setattr(reader_module, "connect", counting)
    snap = read_snapshot(scratch_db)
    deadline = time.monotonic() + 5
    while len(opened) < 3 and time.monotonic() < deadline:  # opening, not waited for
        time.sleep(0.01)
    assert snap.tables and len(opened) == 3  # two extra sessions were opened ...
    assert _settled_sessions(scratch_db, deadline) == 0  # ... and closed without reading


def test_large_catalog_reads_in_three_sessions_that_agree(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    single = read_snapshot(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    assert read_snapshot(scratch_db) == single
    # a closed session's server process leaves pg_stat_activity a moment after the client has closed it
    assert _settled_sessions(scratch_db, time.monotonic() + 5) == 0
