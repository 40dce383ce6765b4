"""The reader's sessions: every one reads with the same settings (search_path, jit off), the thread switch
interval is short while several sessions are read and put back after, and functions' comments (read by
a join limited to objects made after initdb) are read alike by one session and by three, on PostgreSQL
16 and 18."""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.catalog.reader import _SwitchInterval, read_snapshots
from pgconsolidate.db.connect import connection

from .schema import build

COMMENTED = """
CREATE SCHEMA h5;
CREATE FUNCTION h5.f(a integer, b text DEFAULT 'x') RETURNS integer LANGUAGE sql AS 'SELECT a';
CREATE FUNCTION h5.g() RETURNS void LANGUAGE plpgsql AS 'BEGIN END';
CREATE PROCEDURE h5.p(INOUT n integer) LANGUAGE sql AS 'SELECT n';
CREATE AGGREGATE h5.total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');
CREATE TABLE h5.t (id integer PRIMARY KEY);
COMMENT ON FUNCTION h5.f(integer, text) IS 'adds, with ''quotes''';
COMMENT ON PROCEDURE h5.p(integer) IS 'a procedure';
COMMENT ON AGGREGATE h5.total(integer) IS 'sums';
COMMENT ON TABLE h5.t IS 'not a function''s comment';
COMMENT ON COLUMN h5.t.id IS 'nor this';
"""


def _near(seconds: float) -> Any:
    """A switch interval as Python keeps it (whole microseconds)."""
    return pytest.approx(seconds, abs=2e-6)


def _reads_alone_and_in_three(url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    alone = read_snapshot(url)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    return alone, read_snapshot(url)


def _check_function_comments(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with connection(url, autocommit=True) as conn:
        conn.execute(COMMENTED.encode())
    alone, parallel = _reads_alone_and_in_three(url, monkeypatch)
    assert alone == parallel
    comments = {f.identity: f.comment for f in parallel.functions if f.identity.startswith("h5.")}
    assert comments == {
        "h5.f(integer, text)": "adds, with 'quotes'",
        "h5.g()": None,
        "h5.p(integer)": "a procedure",
        "h5.total(integer)": "sums",
    }
    with connection(url) as conn:  # what the server says, by the functions' own oids
        rows = conn.execute(
            "SELECT p.oid::regprocedure::text, obj_description(p.oid, 'pg_proc') FROM pg_proc p "
            "WHERE p.pronamespace = 'h5'::regnamespace ORDER BY 1"
        ).fetchall()
    assert sorted(c for _, c in rows if c) == sorted(c for c in comments.values() if c)


def test_function_comments_read_alike_by_one_and_three_sessions(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _check_function_comments(scratch_db, monkeypatch)


def test_function_comments_read_alike_on_postgres_16(
    scratch_db_16: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _check_function_comments(scratch_db_16, monkeypatch)


def _record_sessions(monkeypatch: pytest.MonkeyPatch, seen: list[tuple[str, str, str, float]]) -> None:
    """Record (thread, jit, search_path, switch interval) as each session starts reading its kinds."""
    real = reader_module._read_kinds

    def read_kinds(conn: Any, names: Any, params: Any, census: Any, *args: Any, **kwargs: Any) -> Any:
        row = conn.execute("SELECT current_setting('jit'), current_setting('search_path')").fetchone()
        seen.append((threading.current_thread().name, row[0], row[1], sys.getswitchinterval()))
        return real(conn, names, params, census, *args, **kwargs)

    monkeypatch.setattr(reader_module, "_read_kinds", read_kinds)


def test_every_session_reads_with_jit_off_and_the_same_search_path(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(scratch_db)
    for workers, sessions in (("1", 1), ("3", 3)):
        monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", workers)
        monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
        seen: list[tuple[str, str, str, float]] = []
        _record_sessions(monkeypatch, seen)
        read_snapshot(scratch_db)
        monkeypatch.undo()
        assert len({thread for thread, *_ in seen}) == sessions
        assert {jit for _, jit, _, _ in seen} == {"off"}
        assert len({path for _, _, path, _ in seen}) == 1
        assert next(iter({path for _, _, path, _ in seen})).startswith("pg_catalog, public")


def test_switch_interval_is_short_while_sessions_read_and_put_back(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    seen: list[tuple[str, str, str, float]] = []
    _record_sessions(monkeypatch, seen)
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.004)
    try:
        read_snapshot(scratch_db)
        assert sys.getswitchinterval() == _near(0.004)
        assert len(seen) == 3 and all(s == _near(0.0005) for *_, s in seen)
        seen.clear()
        read_snapshots([scratch_db, scratch_db])  # two reads at once (compare): put back after the last
        assert sys.getswitchinterval() == _near(0.004)
        assert len(seen) == 6 and all(s == _near(0.0005) for *_, s in seen)
    finally:
        sys.setswitchinterval(before)


def test_switch_interval_overlapping_uses_restore_once_and_never_lengthen() -> None:
    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.003)
        interval = _SwitchInterval(0.001)
        with interval.shortened():
            assert sys.getswitchinterval() == _near(0.001)
            with interval.shortened():
                assert sys.getswitchinterval() == _near(0.001)
            assert sys.getswitchinterval() == _near(0.001)  # the first use is still on
        assert sys.getswitchinterval() == _near(0.003)
        sys.setswitchinterval(0.0002)  # already shorter: left as it is
        with interval.shortened():
            assert sys.getswitchinterval() == _near(0.0002)
        assert sys.getswitchinterval() == _near(0.0002)
        with pytest.raises(RuntimeError), interval.shortened():  # put back on errors too
            raise RuntimeError
        assert sys.getswitchinterval() == _near(0.0002)
    finally:
        sys.setswitchinterval(before)


SPELLED_BY_SERVER = """
CREATE TABLE app.h5_parent (id int PRIMARY KEY, code text UNIQUE);
CREATE TABLE app.h5_child (
    id int PRIMARY KEY,
    parent int REFERENCES app.h5_parent (id) DEFERRABLE INITIALLY DEFERRED,
    code text,
    CONSTRAINT h5_code_fk FOREIGN KEY (code) REFERENCES app.h5_parent (code) MATCH FULL
);
CREATE INDEX h5_lower_idx ON app.h5_child (lower(code)) WHERE id > 0;
CREATE INDEX h5_desc_idx ON app.h5_child (code DESC NULLS LAST) INCLUDE (parent);
CREATE INDEX h5_pred_idx ON app.h5_child (code) WHERE code LIKE 'a%';
"""


def test_extra_session_spells_definitions_while_its_next_query_runs(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session reading indexes, constraints and tables spells the definitions as soon as the
    constraints are built (the tables' query is then on the server), not after the tables; definitions
    left to the server (asked in the same pipeline, behind that query) read as in one session."""
    build(scratch_db)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(SPELLED_BY_SERVER.encode())
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    alone = read_snapshot(scratch_db)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    events: list[tuple[str, str]] = []
    real_spell, real_build = reader_module._spell, reader_module._build_all

    def spell(conn: Any, batch: Any, columns: Any) -> None:
        events.append((threading.current_thread().name, "spell"))
        real_spell(conn, batch, columns)

    def build_all(cls: Any, names: Any, rows: Any, opclasses: Any) -> Any:
        events.append((threading.current_thread().name, cls.kind))
        return real_build(cls, names, rows, opclasses)

    monkeypatch.setattr(reader_module, "_spell", spell)
    monkeypatch.setattr(reader_module, "_build_all", build_all)
    assert read_snapshot(scratch_db) == alone
    spellers = [thread for thread, what in events if what == "spell"]
    # one session spells, each kind as soon as it is built (indexes, then constraints)
    assert len(set(spellers)) == 1 and spellers[0] != threading.current_thread().name
    mine = [what for thread, what in events if thread == spellers[0]]
    assert mine.index("spell") < mine.index("table")  # before the tables' rows were built
    definitions = {i.identity: i.definition for i in alone.indexes if "h5_" in i.identity}
    assert "lower(code)" in definitions["app.h5_lower_idx"]
