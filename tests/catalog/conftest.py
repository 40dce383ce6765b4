"""Fixtures of the catalog tests: the embedded PostgreSQL 16 beside the default server, for the tests that
prove a spelling or a comparison on both majors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pgconsolidate.scratch import ScratchServer, throwaway_database


@pytest.fixture(scope="session")
def scratch_server_16() -> ScratchServer:
    """The embedded PostgreSQL 16 (the tests that need it are skipped where it is not available)."""
    from pgconsolidate.scratch import get_scratch_server

    try:
        return get_scratch_server(major=16)
    except Exception as exc:  # pragma: no cover - the embedded 16 is optional
        pytest.skip(f"embedded PostgreSQL 16 not available: {exc}")


@pytest.fixture
def scratch_db_16(scratch_server_16: ScratchServer) -> Iterator[str]:
    """The URL of an empty throwaway database on PostgreSQL 16."""
    with throwaway_database(scratch_server_16) as url:
        yield url


@pytest.fixture
def sent_queries(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The queries (as bytes, as the reader sends them) every cursor executes from now on in this test."""
    import psycopg

    sent: list[bytes] = []
    real_execute = psycopg.Cursor.execute

    def recording(self: psycopg.Cursor, query: object, *args: object, **kwargs: object) -> object:
        if isinstance(query, bytes):
            sent.append(query)
        return real_execute(self, query, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(psycopg.Cursor, "execute", recording)
    return sent
