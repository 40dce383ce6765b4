"""What the row-building shortcuts rely on holds on PostgreSQL 16 and 18, read by one session and by three:
columns of a table that dropped some are renumbered, sequences name their owning columns (also those of
a table whose columns were renumbered), column privileges become grants, and index and constraint
definitions spelled in Python over quoted column names equal the server's."""

from __future__ import annotations

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.db.connect import connection

SCHEMA = """
CREATE SCHEMA s;
CREATE TABLE s.gappy (a int, b text, "Odd col" int NOT NULL, c text COLLATE "C", id bigserial PRIMARY KEY);
ALTER TABLE s.gappy DROP COLUMN b;
CREATE UNIQUE INDEX gappy_odd ON s.gappy ("Odd col", c) WHERE a IS NOT NULL;
CREATE TABLE s."select" ("from" int PRIMARY KEY, g int REFERENCES s.gappy (id) ON DELETE CASCADE);
CREATE SEQUENCE s.owned OWNED BY s."select"."from";
GRANT SELECT ("Odd col", a) ON s.gappy TO PUBLIC;
"""


@pytest.mark.parametrize("workers", ["1", "3"])
@pytest.mark.parametrize("major", [16, 18])
def test_built_objects_on_both_majors(
    major: int, workers: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = request.getfixturevalue("scratch_db_16" if major == 16 else "scratch_db")
    with connection(url, autocommit=True) as conn:
        conn.execute(SCHEMA.encode())
        row = conn.execute(
            "SELECT pg_get_indexdef('s.gappy_odd'::regclass), "
            "(SELECT pg_get_constraintdef(oid, true) FROM pg_constraint WHERE conname = 'select_g_fkey')"
        ).fetchone()
    assert row is not None
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", workers)
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)  # three sessions even for this small catalog
    snap = read_snapshot(url)
    columns = {c.identity: c.position for c in snap.columns if c.table == "s.gappy"}
    assert columns == {"s.gappy.a": 1, "s.gappy.Odd col": 2, "s.gappy.c": 3, "s.gappy.id": 4}
    owners = {s.identity: s.owned_by for s in snap.sequences}
    assert owners == {"s.gappy_id_seq": "s.gappy.id", "s.owned": "s.select.from"}
    grants = {g.identity for g in snap.grants if g.object_kind == "column"}
    assert grants == {"column s.gappy.Odd col to PUBLIC", "column s.gappy.a to PUBLIC"}
    (index,) = [i for i in snap.indexes if i.identity == "s.gappy_odd"]
    assert index.definition == row[0]
    assert index.predicate == "(a IS NOT NULL)"
    (fkey,) = [k for k in snap.constraints if k.identity == "s.select.select_g_fkey"]
    assert fkey.definition == row[1]
    for name in ("columns", "indexes", "constraints", "grants", "sequences"):
        identities = [o.identity for o in snap.objects(name)]
        assert identities == sorted(identities)
