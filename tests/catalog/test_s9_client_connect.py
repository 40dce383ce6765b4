"""The extra session's connection is started before the main one's (libpq's non-blocking connect), so
that the server starts both backends at once; it is finished by the extra session, or closed unused."""

from __future__ import annotations

import time
import uuid
from typing import Any

import psycopg
import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.db.connect import StartedConnection, connect, connection, start_connect
from pgconsolidate.errors import DatabaseError

from .schema import build


def _backends(url: str, application_name: str) -> int:
    with connection(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [application_name]
        ).fetchone()
    assert row is not None
    return int(row[0])


def _wait_for(url: str, application_name: str, count: int) -> None:
    deadline = time.monotonic() + 5
    while _backends(url, application_name) != count:
        assert time.monotonic() < deadline, f"expected {count} backend(s) named {application_name}"
        time.sleep(0.02)


def test_a_started_connection_is_finished_by_connect(scratch_db: str) -> None:
    started = start_connect(scratch_db)
    assert started is not None
    conn = connect(scratch_db, started=started)
    try:
        assert not conn.autocommit
        row = conn.execute("SELECT current_setting('application_name'), 41 + 1").fetchone()
        assert row == ("pgconsolidate", 42)
        with conn.transaction(), conn.pipeline():  # an ordinary psycopg connection
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        conn.close()
    started.close()  # a no-op once finished
    with pytest.raises(DatabaseError):
        connect(scratch_db, started=started)  # finished once only


def test_a_started_connection_closed_unused_leaves_no_backend(scratch_db: str) -> None:
    name = f"s9-{uuid.uuid4().hex[:12]}"
    started = start_connect(scratch_db, application_name=name)
    assert started is not None
    _wait_for(scratch_db, name, 1)  # the server started its backend without this process waiting
    started.close()
    _wait_for(scratch_db, name, 0)
    with pytest.raises(DatabaseError):
        connect(scratch_db, started=started)


def test_a_started_connection_that_fails_says_so_in_one_redacted_line(tmp_path: Any) -> None:
    url = f"postgresql://someone:s3cret-pw@/postgres?host={tmp_path}"  # no server listens there
    started = start_connect(url)
    with pytest.raises(DatabaseError) as caught:
        connect(url, started=started)
    message = str(caught.value)
    assert "s3cret-pw" not in message
    assert "\n" not in message
    assert message.startswith("cannot connect to postgresql://someone:")


def test_a_malformed_url_is_not_started() -> None:
    assert start_connect("postgresql://x/y?nonsense_option=1") is None


def _record_started(monkeypatch: pytest.MonkeyPatch) -> tuple[list[StartedConnection], list[Any]]:
    started: list[StartedConnection] = []
    finished: list[Any] = []
    real_start, real_connect = reader_module.start_connect, reader_module.connect

    def recording_start(url: str, **kwargs: Any) -> StartedConnection | None:
        one = real_start(url, **kwargs)
        if one is not None:
            started.append(one)
        return one

    def recording_connect(url: str, **kwargs: Any) -> psycopg.Connection:
        finished.append(kwargs.get("started"))
        return real_connect(url, **kwargs)

    monkeypatch.setattr(reader_module, "start_connect", recording_start)
    monkeypatch.setattr(reader_module, "connect", recording_connect)
    return started, finished


def test_the_extra_session_is_the_started_connection(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    single = read_snapshot(scratch_db)
    monkeypatch.delenv("PGCONSOLIDATE_CATALOG_WORKERS")
    assert single.tables  # the schema was built
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)  # two sessions even for this small catalog
    started, finished = _record_started(monkeypatch)
    assert read_snapshot(scratch_db) == single
    assert len(started) == 1
    assert finished == [None, started[0]]  # the main session connects; the extra one finishes the start
    with pytest.raises(DatabaseError):
        connect(scratch_db, started=started[0])  # taken


def test_a_small_catalog_closes_the_started_connection(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(scratch_db)
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 10**12)  # read in one session
    started, _ = _record_started(monkeypatch)
    name = f"s9-{uuid.uuid4().hex[:12]}"
    real_start = reader_module.start_connect
    monkeypatch.setattr(
        reader_module, "start_connect", lambda url, **kw: real_start(url, application_name=name)
    )
    assert read_snapshot(scratch_db).tables
    assert len(started) == 1
    _wait_for(scratch_db, name, 0)  # closed by the read, whether or not the extra session opened it


def test_one_session_starts_no_connection(scratch_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    started, finished = _record_started(monkeypatch)
    read_snapshot(scratch_db)
    assert started == []
    assert finished == [None]


def test_a_host_name_is_not_looked_up_by_the_start() -> None:
    # libpq would resolve the name in the caller's thread: the extra session opens it in its own, as before
    assert start_connect("postgresql://someone@db.example.invalid/x") is None
    given = start_connect("postgresql://someone@db.example.invalid/x?hostaddr=192.0.2.1&connect_timeout=1")
    assert given is not None  # an address given: nothing to look up
    given.close()
