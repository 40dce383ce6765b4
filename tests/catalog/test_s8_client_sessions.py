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


def test_every_kind_is_read_by_one_session_of_each_layout() -> None:
    kinds = [kind for group in reader_module.GROUPS for kind in group]
    assert sorted(kinds) == sorted(OBJECT_KINDS)
    assert set(reader_module.CENSUS_KINDS) <= set(reader_module.GROUPS[0])  # the main session's census
    pair = [
        *reader_module.PAIR[0],
        *reader_module.PAIR[1],
        *reader_module.SHARED,
        *reader_module.CENSUS_KINDS,
    ]
    assert sorted(pair) == sorted(OBJECT_KINDS)


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
    """Index definitions are spelled while the next query runs, constraint definitions too: not both
    after the session's last rows (it was the serial end of the read)."""
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
    # whichever session takes them spells each kind right after building it
    for thread in {thread for thread, _ in events}:
        mine = [what for t, what in events if t == thread]
        for kind, spelled in (("index", "spelled indexes"), ("constraint", "spelled constraints")):
            if kind in mine:
                assert mine.index(spelled) == mine.index(kind) + 1


def test_two_sessions_share_the_kinds_between_them(scratch_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The main session starts with the columns, the other with the functions; every other kind is read
    by whichever session is free first (each once), the census kinds by the main session."""
    build(scratch_db)
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    events: list[tuple[str, str]] = []
    real_build = reader_module._build_all

    def build_all(cls: Any, names: Any, rows: Any, opclasses: Any) -> Any:
        events.append((threading.current_thread().name, cls.kind))
        return real_build(cls, names, rows, opclasses)

    monkeypatch.setattr(reader_module, "_build_all", build_all)
    snap = read_snapshot(scratch_db)
    main = threading.current_thread().name
    kinds = [kind for _, kind in events]
    assert len(kinds) == len(set(kinds))  # each kind built once
    assert {OBJECT_KINDS[name].kind for name in OBJECT_KINDS if getattr(snap, name)} - {"grant"} <= set(kinds)
    assert next(kind for thread, kind in events if thread == main) == "column"
    others = [kind for thread, kind in events if thread != main]
    assert others[0] == "function"
    census = {OBJECT_KINDS[name].kind for name in reader_module.CENSUS_KINDS}
    assert not census & set(others)


def test_sequence_owners_named_as_soon_as_the_sequences_are_built(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever of the two sessions reads the sequences names their owning columns right after (from
    the main session's columns; the server names those of tables not read), not at the end of the read."""
    from pgconsolidate.db.connect import connection

    from .test_owned_by import SERVER, SHAPES

    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(SHAPES.encode())
        expected = {str(name): owner for name, owner in conn.execute(SERVER).fetchall()}
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    events: list[tuple[str, str]] = []
    real_owners, real_build = reader_module._sequence_owners, reader_module._build_all

    def owners(conn: Any, batch: Any) -> None:
        events.append((threading.current_thread().name, "owners"))
        real_owners(conn, batch)

    def build_all(cls: Any, names: Any, rows: Any, opclasses: Any) -> Any:
        events.append((threading.current_thread().name, cls.kind))
        return real_build(cls, names, rows, opclasses)

    monkeypatch.setattr(reader_module, "_sequence_owners", owners)
    monkeypatch.setattr(reader_module, "_build_all", build_all)
    got = {s.identity: s.owned_by for s in read_snapshot(scratch_db).sequences}
    assert got == expected
    assert [what for _, what in events].count("owners") == 1
    reader = next(thread for thread, what in events if what == "sequence")
    mine = [what for thread, what in events if thread == reader]
    assert mine[mine.index("sequence") + 1] == "owners"


def test_extra_session_that_cannot_connect_leaves_every_kind_to_the_main_one(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the second session is refused (connection limit, pooler), the main session takes every kind
    of the shared queue and then the functions: the same snapshot."""
    from pgconsolidate.errors import DatabaseError

    build(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    expected = read_snapshot(scratch_db)
    monkeypatch.delenv("PGCONSOLIDATE_CATALOG_WORKERS")
    real_connect = reader_module.connect
    attempts: list[str] = []

    def only_one_session(url: str, **kwargs: Any) -> psycopg.Connection:
        attempts.append(url)
        if len(attempts) > 1:
            raise DatabaseError("too many connections for role")
        return real_connect(url, **kwargs)

    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    monkeypatch.setattr(reader_module, "connect", only_one_session)
    assert read_snapshot(scratch_db) == expected
    assert len(attempts) == 2
