"""What the reader leaves to Python or skips must change nothing: the census never calls a kind empty
that its query would return rows for, and columns' positions (attnums renumbered in Python) equal the
server's row_number over each table's live columns."""

from __future__ import annotations

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.db.connect import connection

from .schema import build


def _census_and_rows(url: str, include_managed_schemas: bool = False) -> dict[str, tuple[bool, int]]:
    """Per census kind: (the census says it may hold some, rows its query returns)."""
    skip = reader_module.skipped_schemas(include_managed_schemas)
    out: dict[str, tuple[bool, int]] = {}
    with connection(url) as conn, conn.transaction():
        version = conn.info.server_version
        preamble, census = reader_module._send_preamble(conn, skip)
        params = reader_module._prepared(preamble, skip, False).params
        empty = reader_module._empty_kinds(census)
        for kind in reader_module.CENSUS_KINDS:
            rows = conn.execute(reader_module._query(kind, version), params).fetchall()
            out[kind] = (kind not in empty, len(rows))
    return out


def test_census_never_calls_a_kind_with_rows_empty(scratch_db: str) -> None:
    empty = _census_and_rows(scratch_db)
    assert all(rows == 0 for _, rows in empty.values())
    # an empty database: the kinds whose census asks only for user objects are empty (settings and
    # the kinds PostgreSQL itself holds some of need not be)
    assert {"triggers", "rules", "enums", "domains", "publications", "casts"} <= {
        kind for kind, (maybe, _) in empty.items() if not maybe
    }
    build(scratch_db)
    full = _census_and_rows(scratch_db)
    assert all(rows > 0 for _, rows in full.values()), full  # the rich schema holds every kind
    assert all(maybe for maybe, _ in full.values())


def test_census_counts_objects_in_managed_schemas_only_when_asked(scratch_db: str) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA auth; CREATE TYPE auth.level AS ENUM ('a'); CREATE DOMAIN auth.d AS int")
    left_out = _census_and_rows(scratch_db)
    assert left_out["enums"] == (False, 0) and left_out["domains"] == (False, 0)
    asked = _census_and_rows(scratch_db, include_managed_schemas=True)
    assert asked["enums"] == (True, 1) and asked["domains"] == (True, 1)


def test_kinds_the_census_finds_empty_are_read_as_empty(scratch_db: str, sent_queries: list[bytes]) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int); CREATE TYPE e AS ENUM ('x')")
    sent = sent_queries
    snap = read_snapshot(scratch_db)
    assert [e.identity for e in snap.enums] == ["public.e"] and not snap.triggers and not snap.casts
    assert any(b"enumsortorder" in q for q in sent)  # the enums query was run
    assert not any(b"pg_get_triggerdef" in q for q in sent)  # the triggers query was not run


DROPS = """
CREATE TABLE p.first (a int, b int, c int);
ALTER TABLE p.first DROP COLUMN a;
CREATE TABLE p.middle (a int, b int, c int, d int);
ALTER TABLE p.middle DROP COLUMN b, DROP COLUMN c;
CREATE TABLE p.last (a int, b int, c int);
ALTER TABLE p.last DROP COLUMN c;
CREATE TABLE p.readded (a int, b int);
ALTER TABLE p.readded DROP COLUMN a;
ALTER TABLE p.readded ADD COLUMN a int;
CREATE TABLE p.none (a int, b int);
CREATE TABLE p.parted (a int, b int, k date) PARTITION BY RANGE (k);
ALTER TABLE p.parted DROP COLUMN a;
CREATE TABLE p.part1 PARTITION OF p.parted FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE p.allgone (a int);
ALTER TABLE p.allgone DROP COLUMN a;
"""


@pytest.mark.parametrize("workers", ["1", "3"])
def test_positions_count_live_columns_only(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", workers)
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(b"CREATE SCHEMA p;" + DROPS.encode())
        expected = {
            f"p.{table}.{column}": position
            for table, column, position in conn.execute(
                "SELECT c.relname, a.attname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum)::int "
                "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "WHERE c.relnamespace = 'p'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped"
            )
        }
    snap = read_snapshot(scratch_db)
    assert {c.identity: c.position for c in snap.columns} == expected
    assert expected["p.first.b"] == 1 and expected["p.middle.d"] == 2 and expected["p.readded.a"] == 2
