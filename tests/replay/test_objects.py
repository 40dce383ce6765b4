"""Pure parts of replay: what statements would create, what errors say is missing, hints."""

from __future__ import annotations

import json

import pytest
from pglast import parser

from pgconsolidate.replay.hints import hint_for
from pgconsolidate.replay.model import Location
from pgconsolidate.replay.objects import Key, already_existing, created_by, missing_objects


def _node(sql: str) -> dict[str, object]:
    node = json.loads(parser.parse_sql_json(sql))["stmts"][0]["stmt"]
    assert isinstance(node, dict)
    return node


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("create table s.t (a int, B text)", {Key("relation", "t", "s"), Key("column", "t.a", "s")}),
        ("create index i on t (a)", {Key("relation", "i", "public")}),
        ("create or replace view v as select 1", {Key("relation", "v", "public")}),
        ("create function f(a int) returns int language sql as 'select 1'", {Key("function", "f", "public")}),
        ("create type mood as enum ('a')", {Key("type", "mood", "public")}),
        ("create extension vector", {Key("extension", "vector"), Key("type", "vector")}),
        ("alter table t add column c int", {Key("column", "t.c", "public")}),
        ('create policy "P" on t using (true)', {Key("policy", "p")}),
        ("create schema app", {Key("schema", "app")}),
        ("alter table t rename to u", {Key("relation", "u", "public")}),
        ("alter table t rename column a to b", {Key("column", "t.b", "public")}),
    ],
)
def test_created_by(sql: str, expected: set[Key]) -> None:
    assert expected <= set(created_by(_node(sql)))


def test_created_by_unparsable_statement_uses_its_header() -> None:
    text = "CREATE TABLE IF NOT EXISTS agent_feedback (\n id int\n note text)"
    assert created_by(None, text) == (
        Key("relation", "agent_feedback", "public"),
        Key("type", "agent_feedback", "public"),  # its row type
    )
    assert created_by(None, "select broken from") == ()


@pytest.mark.parametrize(
    ("message", "key"),
    [
        ('relation "public.memories" does not exist', Key("relation", "memories", "public")),
        ('relation "memories" does not exist', Key("relation", "memories")),
        ('type "vector" does not exist', Key("type", "vector")),
        ('index "idx_a" does not exist', Key("relation", "idx_a")),
        ("function extensions.http_get(text) does not exist", Key("function", "http_get", "extensions")),
        ('column "tags" does not exist', Key("column", "*.tags")),
        ('column "x" of relation "public.m" does not exist', Key("column", "m.x", "public")),
        ('schema "net" does not exist', Key("schema", "net")),
        (
            'operator class "gin_trgm_ops" does not exist for access method "gin"',
            Key("opclass", "gin_trgm_ops"),
        ),
    ],
)
def test_missing_objects(message: str, key: Key) -> None:
    assert missing_objects(message) == (key,)


def test_key_matching_respects_schema_and_table() -> None:
    assert Key("relation", "m").matches(Key("relation", "m", "public"))
    assert not Key("relation", "m", "auth").matches(Key("relation", "m", "public"))
    assert Key("column", "*.tags").matches(Key("column", "memories.tags", "public"))
    assert not Key("column", "notes.tags", "public").matches(Key("column", "memories.tags", "public"))
    assert missing_objects("cannot change return type of existing function") == ()
    assert already_existing('relation "memories" already exists') == (Key("relation", "memories"),)


def test_hints() -> None:
    assert "extension created later" in hint_for(
        "42704", 'type "vector" does not exist', later=Location("002_x.sql", 1)
    )
    assert "no migration creates" in hint_for("42704", 'type "vector" does not exist')
    assert "002_x.sql:4" in hint_for("42P01", 'relation "t" does not exist', later=Location("002_x.sql", 4))
    assert hint_for("42P01", 'relation "t" does not exist', cascade_of=Location("a.sql", 1)).startswith(
        "cascade"
    )
    assert "stand-in was created" in hint_for("0A000", 'extension "http" is not available', stand_in=True)
    assert "no stand-in" in hint_for("0A000", 'extension "pg_trgm" is not available')
    assert "dimension mismatch" in hint_for("22000", "expected 1536 dimensions, not 768")
    assert hint_for("XX000", "something odd") == ""
