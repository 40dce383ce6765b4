"""A statement that uses an object an earlier file dropped (or renamed) was told to "reorder the files"
because a later file creates the object again; the cause is the earlier DROP / RENAME (found on a goose
directory that drops a table, alters it in the next file, then re-creates it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pglast.parser import parse_sql_json

from pgconsolidate.replay.hints import hint_for
from pgconsolidate.replay.model import Location
from pgconsolidate.replay.objects import Key, removed_by
from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations


def _node(sql: str) -> dict[str, Any]:
    node: dict[str, Any] = json.loads(parse_sql_json(sql))["stmts"][0]["stmt"]
    return node


def test_removed_by_names_dropped_and_renamed_objects() -> None:
    assert removed_by(_node("DROP TABLE a.b, c")) == (
        Key("relation", "b", "a"),
        Key("relation", "c", "public"),
    )
    assert removed_by(_node("DROP POLICY p ON t")) == (Key("policy", "p"),)
    assert removed_by(_node("DROP FUNCTION s.f(int)")) == (Key("function", "f", "s"),)
    assert removed_by(_node("ALTER TABLE t DROP COLUMN c, DROP CONSTRAINT k")) == (
        Key("column", "t.c", "public"),
        Key("constraint", "k"),
    )
    assert removed_by(_node("ALTER TABLE t RENAME COLUMN a TO b")) == (Key("column", "t.a", "public"),)
    assert Key("relation", "t", "public") in removed_by(_node("ALTER TABLE t RENAME TO u"))
    assert removed_by(_node("CREATE TABLE t (a int)")) == ()


def test_hint_prefers_the_drop_over_the_later_create() -> None:
    hint = hint_for(
        "42P01",
        'relation "t" does not exist',
        later=Location("3.sql", 1),
        removed=(Location("1.sql", 4), "dropped"),
    )
    assert (
        hint.startswith("use after drop:") and "1.sql:4" in hint and "created again later, at 3.sql:1" in hint
    )
    assert "reorder" not in hint
    renamed = hint_for("42P01", 'relation "t" does not exist', removed=(Location("1.sql", 2), "renamed"))
    assert renamed.startswith("use after rename:") and "new name" in renamed


def test_replay_points_at_the_drop(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(
        tmp_path,
        {
            "001_init.sql": "CREATE TABLE m (id int PRIMARY KEY, r int);\nCREATE TABLE old_name (x int);\n",
            "002_drop.sql": "-- gone\nDROP TABLE m;\nALTER TABLE old_name RENAME TO new_name;\n",
            "003_alter.sql": "ALTER TABLE m DROP COLUMN r;\nINSERT INTO old_name VALUES (1);\n",
            "004_recreate.sql": "CREATE TABLE m (id int PRIMARY KEY);\n",
            "005_if_exists.sql": "DROP TABLE IF EXISTS never_made;\nSELECT * FROM never_made;\n",
        },
    )
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=True)
    by_file = {(f.file, f.line): f.hint for f in result.failures}
    assert by_file[("003_alter.sql", 1)].startswith(
        "use after drop: an earlier statement dropped the object, at 002_drop.sql:2"
    )
    assert "created again later, at 004_recreate.sql:1" in by_file[("003_alter.sql", 1)]
    assert (
        by_file[("003_alter.sql", 2)].startswith("use after rename:")
        and "002_drop.sql:3" in by_file[("003_alter.sql", 2)]
    )
    # a DROP IF EXISTS of something never created is no cause
    assert not by_file[("005_if_exists.sql", 2)].startswith("use after")


def test_later_create_with_a_syntax_error_is_said(tmp_path: Path, scratch_server: ScratchServer) -> None:
    """A goose file renamed to an earlier version uses a table whose (later) CREATE has a syntax error:
    reordering alone cannot help, and the hint says the CREATE must be fixed first."""
    d = migrations(
        tmp_path,
        {
            "001_items.sql": "CREATE TABLE items (id int PRIMARY KEY, user_id int REFERENCES users (id));\n",
            "002_users.sql": "CREATE TABLE users (id int PRIMARY KEY, t TIMESTAMP NOT NULL WITH TIME ZONE);",
        },
    )
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=True)
    hint = next(f.hint for f in result.failures if f.file == "001_items.sql")
    assert "created later, at 002_users.sql:1, by a statement with a syntax error" in hint
    assert "reorder the files" not in hint
