"""The census tells "settings" of this database only, and "casts" without the extensions' own casts unless
extension objects are read (pgvector makes a dozen): the queries of those kinds are not run for nothing,
and the census still never calls a kind empty that its query would return rows for."""

from __future__ import annotations

import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.db.connect import connection
from pgconsolidate.scratch import ScratchServer, throwaway_database


def _census_and_rows(url: str, include_ext: bool) -> dict[str, tuple[bool, int]]:
    """For settings and casts: (the census says it may hold some, rows its query returns)."""
    skip = reader_module.skipped_schemas(False)
    with connection(url) as conn, conn.transaction():
        version = conn.info.server_version
        preamble, census = reader_module._send_preamble(conn, skip, include_ext)
        params = reader_module._prepared(preamble, skip, include_ext).params
        empty = reader_module._empty_kinds(census)
        return {
            kind: (
                kind not in empty,
                len(conn.execute(reader_module._query(kind, version), params).fetchall()),
            )
            for kind in ("settings", "casts")
        }


def test_extension_casts_count_only_when_extension_objects_are_read(scratch_db: str) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION vector")
    assert _census_and_rows(scratch_db, False)["casts"] == (False, 0)
    maybe, rows = _census_and_rows(scratch_db, True)["casts"]
    assert maybe and rows > 0
    snapshot = read_snapshot(scratch_db, include_extension_objects=True)
    assert len(snapshot.casts) == rows
    assert not read_snapshot(scratch_db).casts
    with connection(scratch_db, autocommit=True) as conn:  # a cast of one's own counts in both
        conn.execute(
            "CREATE TYPE pair AS (a int, b int); "
            "CREATE FUNCTION pair_text(pair) RETURNS text LANGUAGE sql AS 'SELECT ($1).a::text'; "
            "CREATE CAST (pair AS text) WITH FUNCTION pair_text(pair)"
        )
    assert _census_and_rows(scratch_db, False)["casts"] == (True, 1)
    assert _census_and_rows(scratch_db, True)["casts"] == (True, rows + 1)
    assert [c.identity for c in read_snapshot(scratch_db).casts] == ["pair AS text"]


def test_settings_of_other_databases_do_not_count(scratch_server: ScratchServer, scratch_db: str) -> None:
    with throwaway_database(scratch_server) as other:
        other_name = conninfo_to_dict(other)["dbname"]
        with connection(scratch_db, autocommit=True) as conn:
            conn.execute(
                sql.SQL("ALTER DATABASE {} SET work_mem = '8MB'").format(sql.Identifier(str(other_name)))
            )
        assert _census_and_rows(scratch_db, False)["settings"] == (False, 0)
        assert _census_and_rows(other, False)["settings"] == (True, 1)
    with connection(scratch_db, autocommit=True) as conn:
        name = conn.execute("SELECT current_database()").fetchone()
        assert name is not None
        conn.execute(
            sql.SQL("ALTER DATABASE {} SET statement_timeout = '5min'").format(sql.Identifier(name[0]))
        )
    assert _census_and_rows(scratch_db, False)["settings"] == (True, 1)
    assert [s.values for s in read_snapshot(scratch_db).settings] == [("statement_timeout=5min",)]


@pytest.mark.parametrize("include_ext", [False, True])
def test_parallel_read_equals_one_session_with_extension_casts(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch, include_ext: bool
) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION vector; CREATE TABLE t (id int PRIMARY KEY, v vector(3))")
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    alone = read_snapshot(scratch_db, include_extension_objects=include_ext)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    assert read_snapshot(scratch_db, include_extension_objects=include_ext) == alone
    assert bool(alone.casts) == include_ext
