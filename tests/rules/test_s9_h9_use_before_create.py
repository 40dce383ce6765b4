"""``use-before-create`` when the same file's CREATE of the object does not parse (found on
hero-org/herocast: ``CREATE TABLE "public"."customers" (...`` with a missing comma, then ``alter table
customers enable row level security``; a later file creates the table again). The use was reported
against the later file's CREATE only, which sent the reader to the wrong file: the finding now says that
this file's CREATE does not parse, and where the first one that does is."""

from __future__ import annotations

import pytest

from pgconsolidate.rules.use_before_create import failed_creation
from pgconsolidate.statements.model import ParseFailure

from .conftest import Check

RULE = "use-before-create"
BROKEN = 'CREATE TABLE IF NOT EXISTS "public"."customers" (\n  id uuid primary key,\n  a text\n  b text\n);\n'
USE = "alter table customers enable row level security;\n"
GOOD = "create table if not exists public.customers (id uuid primary key, a text, b text);\n"


def test_bad_create_in_the_same_file_does_not_parse(check: Check) -> None:
    (f,) = check(RULE, {"1_a.sql": BROKEN + USE, "2_b.sql": GOOD})
    assert f.location.file == "1_a.sql" and f.location.line == 6
    assert f.message == (
        "uses relation public.customers, whose CREATE in this file, at 1_a.sql:1:1, does not parse "
        "(parse-error); the first that does is later, at 2_b.sql:1:1: fails on a fresh database"
    )
    assert [(r.file, r.line) for r in f.related] == [("1_a.sql", 1), ("2_b.sql", 1)]
    assert f.objects == ("public.customers",)


def test_bad_create_of_another_object_keeps_the_plain_message(check: Check) -> None:
    other = BROKEN.replace('"customers"', '"Customers"')  # a different (quoted mixed-case) table
    (f,) = check(RULE, {"1_a.sql": other + USE, "2_b.sql": GOOD})
    assert f.message == (
        "uses relation public.customers, which is only created later, at 2_b.sql:1:1: "
        "fails on a fresh database"
    )


def test_bad_create_after_the_use_keeps_the_plain_message(check: Check) -> None:
    (f,) = check(RULE, {"1_a.sql": USE + BROKEN, "2_b.sql": GOOD})
    assert "which is only created later, at 2_b.sql:1:1" in f.message


def test_ok_create_parses_in_the_same_file(check: Check) -> None:
    assert check(RULE, {"1_a.sql": GOOD + USE, "2_b.sql": GOOD}) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('CREATE TABLE IF NOT EXISTS "public"."customers" (', ("relation", "public.customers")),
        ("create unlogged table Foo.Bar(a int", ("relation", "foo.bar")),
        ('create or replace view "V" as selec', ("relation", "public.V")),
        ("create materialized view mv as x", ("relation", "public.mv")),
        ("create type mood as enum ('a' 'b')", ("type", "public.mood")),
        ("create or replace function api.f(a int) returns", ("function", "api.f")),
        ('create extension if not exists "vector" with', ("extension", "vector")),
        ("create index i on t (a", None),
        ("select 1 2", None),
    ],
)
def test_failed_creation_reads_the_head(text: str, expected: tuple[str, str] | None) -> None:
    assert failed_creation(ParseFailure("f.sql", 1, 1, "syntax error", text)) == expected
