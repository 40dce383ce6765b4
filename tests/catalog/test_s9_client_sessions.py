"""Two sessions: the extra one runs the census while it waits for the main one's preamble (the census needs
no parameter of it), and hands the kinds it found nothing for to the main session, which reads those
kinds; when the extra session cannot be opened, the main session runs the census itself. Either way the
snapshot equals one session's read."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.errors import DatabaseError

from .schema import build


def _record_census(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    threads: list[str] = []
    real = reader_module._send_census

    def recording(conn: psycopg.Connection, *args: Any) -> psycopg.Cursor[Any]:
        threads.append(threading.current_thread().name)
        return real(conn, *args)

    monkeypatch.setattr(reader_module, "_send_census", recording)
    return threads


@pytest.mark.parametrize("major", [16, 18])
def test_the_extra_session_runs_the_census(
    major: int, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = request.getfixturevalue("scratch_db_16" if major == 16 else "scratch_db")
    build(url)  # every kind, census kinds included (enums, domains, triggers, rules, ...)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    single = read_snapshot(url)
    monkeypatch.delenv("PGCONSOLIDATE_CATALOG_WORKERS")
    assert single.enums and single.domains and single.triggers  # census kinds that hold objects here
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)  # two sessions for this small catalog
    threads = _record_census(monkeypatch)
    assert read_snapshot(url) == single
    assert len(threads) == 1
    assert threads[0] != threading.main_thread().name  # the extra session's thread


def test_the_main_session_runs_the_census_when_the_extra_one_cannot_open(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    single = read_snapshot(scratch_db)
    monkeypatch.delenv("PGCONSOLIDATE_CATALOG_WORKERS")
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    real_connect = reader_module.connect

    def refusing(url: str, **kwargs: Any) -> psycopg.Connection:
        if threading.current_thread() is not threading.main_thread():
            started = kwargs.get("started")
            if started is not None:
                started.close()
            raise DatabaseError("cannot connect: too many connections (test)")
        return real_connect(url, **kwargs)

    monkeypatch.setattr(reader_module, "connect", refusing)
    threads = _record_census(monkeypatch)
    assert read_snapshot(scratch_db) == single
    assert threads == [threading.main_thread().name]


def test_a_census_that_fails_in_the_extra_session_fails_the_read(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(scratch_db)
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    real = reader_module._send_census

    def failing(conn: psycopg.Connection, *args: Any) -> psycopg.Cursor[Any]:
        if threading.current_thread() is not threading.main_thread():
            conn.execute("SELECT 1/0")
        return real(conn, *args)

    monkeypatch.setattr(reader_module, "_send_census", failing)
    with pytest.raises(DatabaseError, match="division by zero"):
        read_snapshot(scratch_db)
