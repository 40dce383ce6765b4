"""Issue 5: attributes compare could not see (a false "equivalent"): a column's storage, compression and
statistics target, an index's CLUSTER ON, a materialized view created WITH NO DATA.

Each is proved on the real server, PostgreSQL 18 and 16 (the statistics target is -1 for the default on 16,
NULL from 17): the difference is found, named as the attribute, and put in words; the attributes are spelled
only where they are not the default, so a snapshot file of a schema that does not use them is unchanged, and
a file written before they were read still loads (with the default).
"""

from __future__ import annotations

import json

import pytest

from pgconsolidate.catalog import Snapshot, read_snapshot, snapshot_from_json, snapshot_to_json
from pgconsolidate.catalog.serialize import snapshot_to_dict
from pgconsolidate.compare import diff_snapshots
from pgconsolidate.compare.render import text_lines
from pgconsolidate.db.connect import connection
from pgconsolidate.errors import DatabaseError

BASE = """
CREATE TABLE public.t (id integer PRIMARY KEY, body text, n integer, j jsonb);
CREATE INDEX t_n_idx ON public.t (n);
CREATE MATERIALIZED VIEW public.mv AS SELECT id FROM public.t;
"""

# (statements, identity, attribute, value read, words of the difference from the base)
CASES = [
    (
        "ALTER TABLE public.t ALTER COLUMN body SET STORAGE external",
        "public.t.body",
        "storage",
        "external",
        "storage: the type's default → external",
    ),
    ("ALTER TABLE public.t ALTER COLUMN body SET STORAGE main", "public.t.body", "storage", "main", "main"),
    ("ALTER TABLE public.t ALTER COLUMN body SET STORAGE extended", "public.t.body", "storage", None, ""),
    ("ALTER TABLE public.t ALTER COLUMN j SET STORAGE plain", "public.t.j", "storage", "plain", "plain"),
    (
        "ALTER TABLE public.t ALTER COLUMN body SET COMPRESSION pglz",
        "public.t.body",
        "compression",
        "pglz",
        "compression: default → pglz",
    ),
    (
        "ALTER TABLE public.t ALTER COLUMN n SET STATISTICS 500",
        "public.t.n",
        "statistics_target",
        500,
        "statistics_target: default → 500",
    ),
    ("ALTER TABLE public.t ALTER COLUMN n SET STATISTICS 0", "public.t.n", "statistics_target", 0, "→ 0"),
    (
        "ALTER TABLE public.t CLUSTER ON t_n_idx",
        "public.t_n_idx",
        "clustered",
        True,
        "not clustered on → clustered on (CLUSTER ON)",
    ),
    (
        "DROP MATERIALIZED VIEW public.mv;"
        " CREATE MATERIALIZED VIEW public.mv AS SELECT id FROM public.t WITH NO DATA",
        "public.mv",
        "populated",
        False,
        "populated → not populated (WITH NO DATA)",
    ),
]


def _build(url: str) -> Snapshot:
    with connection(url, autocommit=True) as conn:
        conn.execute(BASE.encode())
    return read_snapshot(url)


def _after(url: str, statements: str) -> Snapshot:
    with connection(url, autocommit=True) as conn:
        conn.execute(statements.encode())
    return read_snapshot(url)


def _attribute(snap: Snapshot, identity: str, name: str) -> object:
    for collection in ("columns", "indexes", "views"):
        for obj in snap.objects(collection):
            if obj.identity == identity:
                return getattr(obj, name)
    raise AssertionError(f"{identity} not read")


def _check(url: str, statements: str, identity: str, name: str, value: object, words: str) -> None:
    before = _build(url)
    assert _attribute(before, identity, name) in (None, False, True)  # the default
    after = _after(url, statements)
    assert _attribute(after, identity, name) == value
    result = diff_snapshots(before, after)
    if words == "":  # the type's own storage: nothing to see
        assert result.equivalent, text_lines(result)
        return
    assert not result.equivalent
    (d,) = result.differences
    assert d.identity == identity
    assert [c.name for c in d.changes] == [name]
    assert words in text_lines(result)[0]
    # a snapshot file carries the attribute and reads back equal
    again = snapshot_from_json(snapshot_to_json(after))
    assert diff_snapshots(after, again).equivalent
    assert _attribute(again, identity, name) == value


@pytest.mark.parametrize(
    ("statements", "identity", "name", "value", "words"), CASES, ids=[f"{c[2]}-{c[3]}" for c in CASES]
)
def test_difference_is_seen_on_18(
    scratch_db: str, statements: str, identity: str, name: str, value: object, words: str
) -> None:
    _check(scratch_db, statements, identity, name, value, words)


@pytest.mark.parametrize(
    ("statements", "identity", "name", "value", "words"), CASES, ids=[f"{c[2]}-{c[3]}" for c in CASES]
)
def test_difference_is_seen_on_16(
    scratch_db_16: str, statements: str, identity: str, name: str, value: object, words: str
) -> None:
    _check(scratch_db_16, statements, identity, name, value, words)


def test_statistics_target_set_back_to_default_is_the_default(scratch_db: str, scratch_db_16: str) -> None:
    for url in (scratch_db, scratch_db_16):
        before = _build(url)
        after = _after(
            url,
            "ALTER TABLE public.t ALTER COLUMN n SET STATISTICS 500;"
            "ALTER TABLE public.t ALTER COLUMN n SET STATISTICS -1;"
            "ALTER TABLE public.t ALTER COLUMN body SET STORAGE external;"
            "ALTER TABLE public.t ALTER COLUMN body SET STORAGE extended;"
            "ALTER TABLE public.t ALTER COLUMN body SET COMPRESSION pglz;"
            "ALTER TABLE public.t ALTER COLUMN body SET COMPRESSION default;"
            "ALTER TABLE public.t CLUSTER ON t_n_idx; ALTER TABLE public.t SET WITHOUT CLUSTER;"
            "REFRESH MATERIALIZED VIEW public.mv",
        )
        assert diff_snapshots(before, after).equivalent


def test_defaults_are_not_written_and_old_files_load(scratch_db: str) -> None:
    snap = _build(scratch_db)
    doc = snapshot_to_dict(snap)
    later = {"storage", "compression", "statistics_target", "clustered", "populated"}
    for collection in ("columns", "indexes", "views"):
        assert doc["objects"][collection]
        for obj in doc["objects"][collection]:
            assert not later & set(obj), obj  # a file written before these were read looks the same
    changed = _after(
        scratch_db,
        "ALTER TABLE public.t ALTER COLUMN body SET STORAGE external;"
        " ALTER TABLE public.t CLUSTER ON t_n_idx",
    )
    doc = snapshot_to_dict(changed)
    (body,) = [c for c in doc["objects"]["columns"] if c["identity"] == "public.t.body"]
    assert body["storage"] == "external"
    (index,) = [i for i in doc["objects"]["indexes"] if i["identity"] == "public.t_n_idx"]
    assert index["clustered"] is True
    # the old file (without the attributes) loads, with the defaults: compared, the change shows
    for obj in doc["objects"]["columns"]:
        obj.pop("storage", None)
    for obj in doc["objects"]["indexes"]:
        obj.pop("clustered", None)
    old = snapshot_from_json(json.dumps(doc))
    assert {d.identity for d in diff_snapshots(old, changed).differences} == {
        "public.t.body",
        "public.t_n_idx",
    }


def test_domain_column_storage_is_the_domain_type_default(scratch_db: str) -> None:
    """A column of a domain over text has the text's storage: not spelled."""
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(b"CREATE DOMAIN public.d AS text; CREATE TABLE public.u (x public.d, y integer[])")
    snap = read_snapshot(scratch_db)
    assert all(
        c.storage is None and c.compression is None and c.statistics_target is None for c in snap.columns
    )


def test_compression_lz4_when_the_server_has_it(scratch_db: str) -> None:
    _build(scratch_db)
    try:
        after = _after(scratch_db, "ALTER TABLE public.t ALTER COLUMN body SET COMPRESSION lz4")
    except DatabaseError:
        pytest.skip("this server was built without lz4")
    assert _attribute(after, "public.t.body", "compression") == "lz4"
