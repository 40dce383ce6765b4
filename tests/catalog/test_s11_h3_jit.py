"""Every catalog query of a read is planned with jit off, in every session: the census, the preamble and
the snapshot query too (they ran before the setting: on PostgreSQL 15 with LLVM and jit_above_cost 0 the
census compiled 114 functions). Checked by asking the server, just before each catalog query and in the
same pipeline, what jit is at that moment (a server without LLVM has jit on too)."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest

from pgconsolidate.catalog import read_snapshot, read_snapshot_from
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.db.connect import connect

from .schema import build


def _probe_jit(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes, psycopg.Cursor[Any]]]:
    """Before every catalog query (sent as bytes, as the reader sends its .sql files), queue a query of
    the jit setting on the same connection; (thread, first line of the query, the probe's cursor)."""
    probes: list[tuple[str, bytes, psycopg.Cursor[Any]]] = []
    real_execute = psycopg.Cursor.execute

    def execute(self: psycopg.Cursor[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query, bytes):
            probe = self.connection.cursor()
            real_execute(probe, "SELECT current_setting('jit')")
            head = next((ln for ln in query.splitlines() if ln.strip()), b"")
            probes.append((threading.current_thread().name, head[:60], probe))
        return real_execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    return probes


def _settings(probes: list[tuple[str, bytes, psycopg.Cursor[Any]]]) -> dict[str, set[str]]:
    """The jit setting each probe saw, by the query's first line."""
    seen: dict[str, set[str]] = {}
    for _, head, cur in probes:
        row = cur.fetchone()
        assert row is not None
        seen.setdefault(head.decode(), set()).add(row[0])
    return seen


def _check_every_query(url: str, monkeypatch: pytest.MonkeyPatch, workers: str) -> None:
    build(url)
    with connect(url) as conn:
        assert conn.execute("SELECT current_setting('jit')").fetchone() == ("on",)  # the server's default
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", workers)
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)  # extra sessions even for this small catalog
    probes = _probe_jit(monkeypatch)
    snapshot = read_snapshot(url)
    assert snapshot.tables
    assert len({thread for thread, _, _ in probes}) == int(workers)
    seen = _settings(probes)
    census = "-- Which of the kinds that most databases hold none of"
    assert any(head.startswith(census) for head in seen)  # the census is among the queries probed
    assert {head: values for head, values in seen.items() if values != {"off"}} == {}


@pytest.mark.parametrize("workers", ["1", "2", "3"])
def test_every_catalog_query_is_planned_with_jit_off(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    _check_every_query(scratch_db, monkeypatch, workers)


def test_every_catalog_query_is_planned_with_jit_off_on_postgres_16(
    scratch_db_16: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _check_every_query(scratch_db_16, monkeypatch, "2")


def test_a_read_inside_an_open_transaction_plans_with_jit_off(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(scratch_db)
    with connect(scratch_db) as conn:
        conn.execute("CREATE TEMP TABLE h3_open (a integer)")  # a transaction is open
        probes = _probe_jit(monkeypatch)
        assert read_snapshot_from(conn, source="open").tables
        monkeypatch.undo()
        seen = _settings(probes)
        assert seen and {head: values for head, values in seen.items() if values != {"off"}} == {}
        conn.rollback()
        assert conn.execute("SELECT current_setting('jit')").fetchone() == ("on",)  # local to it
