"""A large catalog is read by two sessions by default (a third cost the server more than it gave on two
cores), and what they read equals one session's read, on PostgreSQL 16 and 18; three sessions are still
there when asked for."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.catalog.model import OBJECT_KINDS

from .schema import build


def _count_connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real_connect = reader_module.connect

    def counting(url: str, **kwargs: Any) -> psycopg.Connection:
        opened.append(url)
        return real_connect(url, **kwargs)

    monkeypatch.setattr(reader_module, "connect", counting)
    return opened


def test_every_kind_is_in_one_group_of_each_layout() -> None:
    for layout in (reader_module.PAIR, reader_module.GROUPS):
        kinds = [kind for group in layout for kind in group]
        assert sorted(kinds) == sorted(OBJECT_KINDS)
        assert set(reader_module.CENSUS_KINDS) <= set(layout[0])  # the census is read by the main session


@pytest.mark.parametrize("major", [16, 18])
def test_two_sessions_by_default_read_what_one_reads(
    major: int, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = request.getfixturevalue("scratch_db_16" if major == 16 else "scratch_db")
    build(url)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    single = read_snapshot(url)
    monkeypatch.delenv("PGCONSOLIDATE_CATALOG_WORKERS")
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)  # parallel even for this small catalog
    opened = _count_connections(monkeypatch)
    assert read_snapshot(url) == single
    assert len(opened) == 2


def test_three_sessions_when_asked_for(scratch_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    build(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    single = read_snapshot(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    opened = _count_connections(monkeypatch)
    assert read_snapshot(scratch_db) == single
    assert len(opened) == 3


def test_extra_session_spells_each_kind_as_soon_as_it_is_built(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Index definitions are spelled while the constraints' query runs, constraint definitions while
    the next one runs: not both after the session's last rows (it was the serial end of the read)."""
    build(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    alone = read_snapshot(scratch_db)
    monkeypatch.delenv("PGCONSOLIDATE_CATALOG_WORKERS")
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    events: list[tuple[str, str]] = []
    real_spell, real_build = reader_module._spell, reader_module._build_all

    def spell(conn: Any, batch: Any, columns: Any) -> None:
        before = set(batch.spelled)
        real_spell(conn, batch, columns)
        kinds = ",".join(sorted(batch.spelled - before))
        events.append((threading.current_thread().name, f"spelled {kinds}"))

    def build_all(cls: Any, names: Any, rows: Any, opclasses: Any) -> Any:
        events.append((threading.current_thread().name, cls.kind))
        return real_build(cls, names, rows, opclasses)

    monkeypatch.setattr(reader_module, "_spell", spell)
    monkeypatch.setattr(reader_module, "_build_all", build_all)
    assert read_snapshot(scratch_db) == alone
    extra = {thread for thread, _ in events} - {threading.current_thread().name}
    assert len(extra) == 1
    mine = [what for thread, what in events if thread in extra]
    assert mine.index("index") < mine.index("spelled indexes") < mine.index("constraint")
    assert mine.index("constraint") < mine.index("spelled constraints") == len(mine) - 1
