"""After a read, the snapshot's objects sit in the collector's oldest generation (no young collection
scans them all at the end of the read), nothing is left frozen, and objects someone else froze stay so."""

from __future__ import annotations

import gc

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.db.connect import connection


def test_snapshot_objects_are_moved_to_the_oldest_generation(scratch_db: str) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int PRIMARY KEY, b text)")
    gc.unfreeze()  # whatever an earlier test in this process froze (the analysis driver freezes)
    snap = read_snapshot(scratch_db)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(snap.tables[0]) in oldest and id(snap.columns[0]) in oldest


def test_objects_frozen_by_someone_else_stay_frozen(scratch_db: str) -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert read_snapshot(scratch_db).server_version
        # not released (unfreeze would leave none), nor added to (the count only falls, by frozen
        # objects freed since)
        assert 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
