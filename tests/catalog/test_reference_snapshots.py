"""The catalog reader's speed work changed how objects are read, never what: snapshots of two rich
schemas equal the ones the reader produced before that work.

``data/reference_rich.json`` (the catalog tests' schema, ``schema.build``) and ``data/reference_small.json``
(the inspect benchmark's schema at 10 tables and 20 functions) were written by pgconsolidate at commit
10768c5, before the catalog was made faster, on the embedded PostgreSQL 18.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog.serialize import snapshot_to_dict
from pgconsolidate.db.connect import connection

from .schema import build

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]


def _reference(name: str, url: str) -> dict[str, Any]:
    reference: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    with connection(url) as conn:
        row = conn.execute("SELECT current_user, current_setting('server_version_num')::int").fetchone()
    assert row is not None
    if row[0] != "postgres" or row[1] // 10000 != reference["server_major"]:
        pytest.skip("the references were written on the embedded PostgreSQL 18 as role postgres")
    return reference


def _bench_schema_sql(tables: int, functions: int) -> str:
    spec = importlib.util.spec_from_file_location("bench_inspect", ROOT / "bench" / "inspect.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text: str = module.schema_sql(tables, functions)
    return text


def _assert_as_before(url: str, reference: dict[str, Any]) -> None:
    """Every kind the reference holds reads exactly as before (kinds read since are left out)."""
    objects = snapshot_to_dict(read_snapshot(url))["objects"]
    assert {name: objects[name] for name in reference["objects"]} == reference["objects"]


# Objects added to the catalog tests' schema after the reference was written (kinds read since).
ADDED_SINCE = """
DROP CAST (text AS app.mood);
DROP FUNCTION app.mood_of(text), app.mood_of2(text);
DROP STATISTICS app.t_stats;
DROP COLLATION app.c_posix;
DROP OPERATOR app.===(integer, text);
DROP FUNCTION app.eq_it(integer, text);
DROP TEXT SEARCH CONFIGURATION app.tsc;
DROP TEXT SEARCH DICTIONARY app.tsd;
DROP FOREIGN TABLE app.ft;
DROP SERVER pgc_cat_srv;
DROP FOREIGN DATA WRAPPER pgc_cat_fdw;
DROP TYPE app.rng;
"""


def test_catalog_test_schema_reads_as_before(scratch_db: str) -> None:
    reference = _reference("reference_rich.json", scratch_db)
    build(scratch_db)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(ADDED_SINCE.encode())
    _assert_as_before(scratch_db, reference)


def test_benchmark_schema_reads_as_before(scratch_db: str) -> None:
    reference = _reference("reference_small.json", scratch_db)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(_bench_schema_sql(10, 20).encode())
    _assert_as_before(scratch_db, reference)


def test_snapshot_files_written_before_statistics_were_read_still_load(scratch_db: str) -> None:
    from pgconsolidate.catalog import snapshot_from_json
    from pgconsolidate.errors import InputError

    build(scratch_db)
    doc = snapshot_to_dict(read_snapshot(scratch_db))
    assert doc["objects"]["statistics"]  # the test schema has one
    del doc["objects"]["statistics"]
    old = snapshot_from_json(json.dumps(doc))
    assert old.statistics == ()  # read with none: compared with a new read, they show as added
    del doc["objects"]["tables"]
    with pytest.raises(InputError, match="tables"):
        snapshot_from_json(json.dumps(doc))
