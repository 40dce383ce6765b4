"""How the reader drives its sessions: the snapshot exported first, the preamble run once, queries sent
one ahead of the objects being built, errors and refusals of the extra sessions."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.catalog.model import OBJECT_KINDS
from pgconsolidate.db.connect import connection
from pgconsolidate.errors import DatabaseError

from .schema import build


def _open_sessions(url: str) -> int:
    """The reader's sessions still open (a closed session's backend may take a moment to exit)."""
    deadline = time.monotonic() + 5
    while True:
        with connection(url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = 'pgconsolidate' AND pid <> pg_backend_pid()"
            ).fetchone()
        count = int(row[0]) if row else -1
        if count == 0 or time.monotonic() > deadline:
            return count
        time.sleep(0.05)


def _log_queries(monkeypatch: pytest.MonkeyPatch, events: list[tuple[str, str, str]]) -> None:
    """Record (thread, "query" | "build", kind) as the reader asks for a query's text (just before it
    sends it) and as it builds a kind's objects."""
    real_query, real_build = reader_module._query, reader_module._build_all

    def query(name: str, version: int) -> bytes:
        events.append((threading.current_thread().name, "query", name))
        return real_query(name, version)

    def build_all(cls: Any, names: Any, rows: Any, opclasses: Any) -> Any:
        events.append((threading.current_thread().name, "build", cls.kind))
        return real_build(cls, names, rows, opclasses)

    monkeypatch.setattr(reader_module, "_query", query)
    monkeypatch.setattr(reader_module, "_build_all", build_all)


def _read_alone_then_allow_three(url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The snapshot read by one session (the reference), then three sessions allowed for the next read."""
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    expected = read_snapshot(url)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    return expected


def test_small_catalog_runs_the_preamble_once_in_one_session(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot statement says the catalog is small: the same transaction goes on reading (the
    preamble and census already sent are not sent again in a second transaction)."""
    build(scratch_db)
    expected = _read_alone_then_allow_three(scratch_db, monkeypatch)
    events: list[tuple[str, str, str]] = []
    _log_queries(monkeypatch, events)
    assert read_snapshot(scratch_db) == expected
    sent = [name for _, what, name in events if what == "query"]
    assert sent[:3] == ["snapshot", "preamble", "census"]
    assert sent.count("preamble") == 1 and sent.count("census") == 1
    main = threading.current_thread().name
    assert {thread for thread, _, _ in events} == {main}  # nothing read by the extra sessions


def test_large_catalog_exports_first_and_extra_sessions_read(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(scratch_db)
    expected = _read_alone_then_allow_three(scratch_db, monkeypatch)
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    events: list[tuple[str, str, str]] = []
    _log_queries(monkeypatch, events)
    assert read_snapshot(scratch_db) == expected
    main = threading.current_thread().name
    sent_here = [name for thread, what, name in events if what == "query" and thread == main]
    assert sent_here[:2] == ["snapshot", "preamble"]
    # the census is run by an extra session while it waits for the preamble (test_s9_client_sessions.py)
    census = [thread for thread, what, name in events if what == "query" and name == "census"]
    assert len(census) == 1 and census[0] != main
    extra_threads = {thread for thread, _, _ in events} - {main}
    assert len(extra_threads) == 2
    kinds = {cls.kind: name for name, cls in OBJECT_KINDS.items()}
    for group in reader_module.GROUPS[1:]:  # each extra group read by one extra session, not here
        readers = {thread for thread, what, name in events if what == "build" and kinds[name] in group}
        assert len(readers) == 1 and main not in readers
    assert _open_sessions(scratch_db) == 0


@pytest.mark.parametrize("workers", ["1", "3"])
def test_queries_are_sent_one_ahead_of_the_objects_built(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """A kind's objects are built while the server runs the next kind's query, not after every query
    of the session has run (psycopg's fetch waits for every result queued before it)."""
    build(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", workers)
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    events: list[tuple[str, str, str]] = []
    _log_queries(monkeypatch, events)
    read_snapshot(scratch_db)
    kinds = {cls.kind: name for name, cls in OBJECT_KINDS.items()}
    for thread in {thread for thread, _, _ in events}:
        sent = [name for t, what, name in events if t == thread and what == "query" and name in OBJECT_KINDS]
        built = 0
        for t, what, name in events:
            if t == thread and what == "build":
                built += 1
                kind = kinds[name]
                sent_before = [
                    n for t2, w, n in events[: events.index((t, what, name))] if t2 == t and w == "query"
                ]
                after = [n for n in sent_before[sent_before.index(kind) + 1 :] if n in OBJECT_KINDS]
                assert len(after) <= 1, f"{thread}: {kind} built after {after} were sent"
        assert built >= 1 and len(sent) >= 2


def test_snapshot_export_refused_falls_back_to_one_session(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(scratch_db)
    expected = _read_alone_then_allow_three(scratch_db, monkeypatch)
    real_query = reader_module._query

    def refusing(name: str, version: int) -> bytes:
        if name == "snapshot":  # what a pooler or a server that cannot export answers
            return b"SELECT pg_catalog.pg_export_snapshot()::int AS snapshot"
        return real_query(name, version)

    monkeypatch.setattr(reader_module, "_query", refusing)
    assert read_snapshot(scratch_db) == expected
    assert _open_sessions(scratch_db) == 0


def test_error_in_an_extra_session_is_raised_and_every_session_closed(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    real_query = reader_module._query

    def failing(name: str, version: int) -> bytes:
        if name == "policies":  # read by an extra session
            return b"SELECT 1/0"
        return real_query(name, version)

    monkeypatch.setattr(reader_module, "_query", failing)
    with pytest.raises(DatabaseError, match="division by zero"):
        read_snapshot(scratch_db)
    assert _open_sessions(scratch_db) == 0


def test_reader_leaves_a_given_connection_idle(scratch_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """read_snapshot_from with a URL (parallel) ends its own transaction on the caller's connection."""
    from pgconsolidate.catalog import read_snapshot_from

    build(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    with psycopg.connect(scratch_db) as conn:
        snap = read_snapshot_from(conn, source="here", url=scratch_db)
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert snap.tables


def test_sequence_owners_named_by_the_main_session_in_a_parallel_read(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a parallel read the main session names the owners (while the extra sessions still read),
    including those the server names (a table not read): the same as the server's."""
    from .test_owned_by import SERVER, SHAPES

    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(SHAPES.encode())
        expected = {str(name): owner for name, owner in conn.execute(SERVER).fetchall()}
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    named: list[str] = []
    real = reader_module._sequence_owners

    def naming(conn: psycopg.Connection, batch: Any) -> None:
        named.append(threading.current_thread().name)
        real(conn, batch)

    monkeypatch.setattr(reader_module, "_sequence_owners", naming)
    got = {s.identity: s.owned_by for s in read_snapshot(scratch_db).sequences}
    assert got == expected and got["public.owned_by_ext"] == "public.ext_t.id"
    assert named == [threading.current_thread().name]  # once, here
