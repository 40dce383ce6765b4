"""ge-tracker (sqlx): `CREATE SCHEMA partman; CREATE EXTENSION pg_partman WITH SCHEMA partman;` then
`SELECT partman.create_parent(...)`. On a server without pg_partman the call was a root cause of its own
('missing function: created by no earlier migration (enabled from the dashboard, ...)'), so consolidate
would not list it among the statements not proven. Now whatever the chain names in the schema an
unavailable extension was to be created in is a cascade of that extension, and skipped; an unqualified
missing function, or one in a shared schema, stays a root cause."""

from __future__ import annotations

import json
from pathlib import Path

from pglast import parser

from pgconsolidate.replay.objects import Key, created_by
from pgconsolidate.replay.runner import replay_into
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

_FILE = """CREATE SCHEMA partman;
CREATE EXTENSION pgc_not_there WITH SCHEMA partman;
CREATE SCHEMA ge;
CREATE TABLE ge.price (created timestamp NOT NULL, item bigint NOT NULL) PARTITION BY RANGE (created);
SELECT partman.create_parent(p_parent_table => 'ge.price', p_control => 'created');
CREATE TABLE ge.tagged (v partman.some_type);
SELECT not_made_anywhere(1);
"""


def test_objects_of_an_unavailable_extensions_schema_are_skipped(tmp_path: Path, scratch_db: str) -> None:
    d = migrations(tmp_path, {"20240828025444_init.sql": _FILE})
    result = replay_into(scratch_db, read_dir(str(d)), keep_going=True)
    roots = [f for f in result.failures if f.root_cause is None]
    assert [f.line for f in roots] == [2, 7], [(f.line, f.message) for f in result.failures]
    skipped = {s.line: s.reason for s in result.skipped}
    assert "pgc_not_there" in skipped[5] and "pgc_not_there" in skipped[6]
    assert 7 not in skipped


def test_shared_schema_claims_nothing() -> None:
    def keys(text: str) -> tuple[Key, ...]:
        node = json.loads(parser.parse_sql_json(text))["stmts"][0]["stmt"]
        return created_by(node)

    mine = keys("CREATE EXTENSION x WITH SCHEMA partman")
    assert any(Key("function", "create_parent", "partman").matches(k) for k in mine)
    assert not any(Key("function", "create_parent", None).matches(k) for k in mine)
    shared = keys("CREATE EXTENSION x WITH SCHEMA extensions")
    assert not any(Key("function", "create_parent", "extensions").matches(k) for k in shared)
