"""Two objects whose names spell one identity (table "a.b" of schema s and table b of schema "s.a" are both
``s.a.b``): a change of either is a difference (session 10, H5: a comment on the first compared
equivalent, the second one's entry hiding it)."""

from __future__ import annotations

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.compare import diff_snapshots
from pgconsolidate.db.connect import connection
from pgconsolidate.scratch import ScratchServer, throwaway_database


@pytest.mark.parametrize("target", ['s."a.b"', '"s.a".b'])
def test_a_change_of_either_object_is_seen(scratch_server: ScratchServer, target: str) -> None:
    with throwaway_database(scratch_server) as url:
        with connection(url, autocommit=True) as conn:
            conn.execute(
                b'CREATE SCHEMA s; CREATE SCHEMA "s.a"; '
                b'CREATE TABLE s."a.b" (x int); CREATE TABLE "s.a".b (x int)'
            )
        before = read_snapshot(url)
        assert [t.identity for t in before.tables] == ["s.a.b", "s.a.b"]
        with connection(url, autocommit=True) as conn:  # (no change to pg_class: the catalog order stays)
            conn.execute(f"COMMENT ON COLUMN {target}.x IS 'x'; COMMENT ON TABLE {target} IS 't'".encode())
        result = diff_snapshots(before, read_snapshot(url))
        assert not result.equivalent
        assert {(d.kind, d.identity, tuple(c.name for c in d.changes)) for d in result.differences} == {
            ("table", "s.a.b", ("comment",)),
            ("column", "s.a.b.x", ("comment",)),
        }
        assert any("share the identity s.a.b, s.a.b.x" in n for n in result.notes)
        assert diff_snapshots(before, before).equivalent
