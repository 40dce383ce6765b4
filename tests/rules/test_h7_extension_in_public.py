"""ok/bad cases of ``extension-in-public`` (Supabase's extension_in_public lint, from the migrations)."""

from __future__ import annotations

import pytest

from pgconsolidate.report.analyze import analyze_directory

from .helpers import EXAMPLE_MIGRATIONS

RULE = "extension-in-public"
API = {"0_api.sql": "grant usage on schema public to anon;"}


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("create extension if not exists vector;", [(1, "vector")]),
        ("create extension vector with schema public;", [(1, "vector")]),
        ("create extension if not exists pg_trgm schema public;", [(1, "pg_trgm")]),
        # moved there later: reported at the ALTER
        (
            "create extension citext with schema extensions;\nalter extension citext set schema public;",
            [(2, "citext")],
        ),
        # --- ok
        ("create extension if not exists vector with schema extensions;", []),
        ("create extension if not exists vector;\nalter extension vector set schema extensions;", []),
        ("set search_path = extensions;\ncreate extension if not exists vector;", []),
        ("create extension if not exists plpgsql;", []),  # its schema is fixed
        ("create extension if not exists pg_cron;", []),
        # Supabase preinstalls these in extensions: IF NOT EXISTS changes nothing there
        ('create extension if not exists "uuid-ossp";', []),
        ("create extension if not exists pgcrypto with schema public;", []),
        ("create extension if not exists vector;\ndrop extension vector;", []),
    ],
)
def test_cases(check, sql, expected):
    found = check(RULE, {**API, "1_a.sql": sql})
    assert [(f.location.line, f.objects[0]) for f in found] == expected
    for f in found:
        assert f.help and "public" in f.message


def test_plain_postgres_project(check):
    # the API exposes no schema: nothing is reported, not even for uuid-ossp
    assert check(RULE, {"1_a.sql": "create extension if not exists vector;"}) == []


def test_ignore_comment(check):
    sql = "-- pgconsolidate: ignore extension-in-public\ncreate extension if not exists vector;"
    assert check(RULE, {**API, "1_a.sql": sql}) == []


def test_example():
    # 003 runs CREATE EXTENSION IF NOT EXISTS vector without a schema, after 002 created it in extensions
    assert analyze_directory(EXAMPLE_MIGRATIONS, select=[RULE]).findings == ()
