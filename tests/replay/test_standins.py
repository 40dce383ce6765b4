"""Stand-ins for extensions the scratch server lacks, the Supabase base, and history rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.db.connect import connection
from pgconsolidate.replay import ReplayResult
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch.databases import database_name, drop_database

from .helpers import replay_files, where

EXTENSIONS = {
    "001_ext.sql": 'create extension if not exists "uuid-ossp";\n'
    "create extension if not exists pgcrypto with schema extensions;\n"
    "create extension if not exists http with schema extensions;\n"
    "create extension if not exists pg_net;\n",
    "002_use.sql": "create table tokens (id uuid primary key default uuid_generate_v4(), secret bytea);\n"
    "create function fetch_status(u text) returns int language sql\n"
    "  as $$ select (extensions.http_get(u)).status $$;\n"
    "create function ping() returns bigint language sql as $$ select net.http_post('https://x.test') $$;\n",
}


@pytest.fixture(scope="module")
def kept(scratch_server: ScratchServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplayResult]:
    result = replay_files(
        scratch_server,
        tmp_path_factory.mktemp("standins"),
        EXTENSIONS,
        keep_going=True,
        keep=True,
        supabase=True,
    )
    assert result.url is not None
    yield result
    drop_database(scratch_server, database_name(result.url))


def _one(url: str, query: str) -> object:
    with connection(url, autocommit=True) as conn:
        row = conn.execute(query).fetchone()
    assert row is not None
    return row[0]


def test_stand_ins_are_reported_and_the_schema_builds(kept: ReplayResult) -> None:
    assert kept.ok, where(kept)
    # uuid-ossp and pgcrypto come with the Supabase base (as on a hosted project); CREATE EXTENSION IF NOT
    # EXISTS of them is then a no-op
    assert [(s.extension, s.schema, s.file, s.line) for s in kept.stand_ins] == [
        ("pgcrypto", "extensions", "(base)", 0),
        ("uuid-ossp", "extensions", "(base)", 0),
        ("http", "extensions", "001_ext.sql", 3),
        ("pg_net", "net", "001_ext.sql", 4),
    ]
    assert "extensions.http_get" in kept.stand_ins[2].objects
    assert kept.supabase_base


def test_generators_compute_correct_values(kept: ReplayResult) -> None:
    url = kept.url
    assert url is not None
    assert _one(url, "select uuid_generate_v4()::text ~ '^[0-9a-f-]{8}-[0-9a-f]{4}-4'") is True
    assert _one(url, "insert into tokens default values returning id") is not None
    # RFC 4122 / uuid-ossp reference value
    assert str(_one(url, "select uuid_generate_v3(uuid_ns_dns(), 'www.example.com')")) == (
        "5df41881-3aed-3515-88a7-2f4a814cf09e"
    )
    assert _one(url, "select extensions.digest('abc', 'sha256') = sha256('abc'::bytea)") is True
    # RFC 4231 test case 2
    assert _one(
        url, "select encode(extensions.hmac('what do ya want for nothing?', 'Jefe', 'sha256'), 'hex')"
    ) == ("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    assert _one(url, "select encode(extensions.hmac('data', 'key', 'md5'), 'hex')") == (
        "9d5c73ef85594d34ec4438b7c97e51d8"
    )
    assert _one(url, "select length(extensions.gen_random_bytes(40))") == 40


@pytest.mark.parametrize(
    "query",
    [
        "select fetch_status('https://example.com')",
        "select ping()",
        "select extensions.digest('abc', 'sha1')",
        "select uuid_generate_v5(uuid_ns_dns(), 'x')",
        "select extensions.crypt('pw', 'salt')",
    ],
)
def test_stand_ins_raise_instead_of_pretending(kept: ReplayResult, query: str) -> None:
    assert kept.url is not None
    with (
        pytest.raises(psycopg.errors.FeatureNotSupported, match="pgconsolidate stand-in"),
        psycopg.connect(kept.url) as conn,
    ):
        conn.execute(query)


def test_extension_without_stand_in_is_skipped_not_passed(
    scratch_server: ScratchServer, tmp_path: Path
) -> None:
    result = replay_files(
        scratch_server,
        tmp_path,
        {
            "001_trgm.sql": "create extension if not exists pg_trgm;\n"
            "create table docs (body text);\n"
            "create index docs_body on docs using gin (body gin_trgm_ops);\n",
        },
        keep_going=True,
    )
    assert where(result) == [("001_trgm.sql", 1, "0A000"), ("001_trgm.sql", 3, "42704")]
    assert result.failures[1].root_cause is not None
    assert [(s.line, s.reason) for s in result.skipped] == [
        (1, "extension pg_trgm is not available"),
        (3, "needs extension pg_trgm, which the scratch server lacks"),
    ]
    assert result.files[0].status == "failed"


def test_no_stand_ins_reports_the_extension(scratch_server: ScratchServer, tmp_path: Path) -> None:
    result = replay_files(
        scratch_server, tmp_path, EXTENSIONS, keep_going=True, stand_ins=False, supabase=True
    )
    assert ("001_ext.sql", 3, "0A000") in where(result)
    assert all(s.file == "(base)" for s in result.stand_ins)
    assert {s.file for s in result.skipped} == {"001_ext.sql", "002_use.sql"}


def test_supabase_base_only_when_needed(scratch_server: ScratchServer, tmp_path: Path) -> None:
    plain = replay_files(
        scratch_server, tmp_path / "plain", {"001_a.sql": "create table a (id int);\n"}, keep=True
    )
    supa = replay_files(
        scratch_server,
        tmp_path / "supa",
        {"001_a.sql": "create table a (id uuid default auth.uid());\ngrant select on a to authenticated;\n"},
        keep=True,
    )
    try:
        assert plain.ok and not plain.supabase_base
        assert supa.ok and supa.supabase_base
        assert plain.url and supa.url
        assert _one(plain.url, "select to_regnamespace('auth') is null") is True
        assert _one(supa.url, "select current_setting('search_path')") == '"$user", public, extensions'
        assert _one(supa.url, "select count(*) from supabase_migrations.schema_migrations") == 1
    finally:
        for r in (plain, supa):
            if r.url:
                drop_database(scratch_server, database_name(r.url))


def test_history_rows_and_version_collisions(scratch_server: ScratchServer, tmp_path: Path) -> None:
    result = replay_files(
        scratch_server,
        tmp_path,
        {
            "20250119_a.sql": "create table a (id int);\n",
            "20250119_b.sql": "create table b (id int);\n",
            "20250120_c.sql": "create table c (id int);\nselect auth.uid();\n",
        },
        keep_going=True,
    )
    assert result.ok
    assert [(h.version, h.name, h.written, h.collides_with) for h in result.history] == [
        ("20250119", "a", True, None),
        ("20250119", "b", False, "20250119_a.sql"),
        ("20250120", "c", True, None),
    ]
    assert [h.file for h in result.history_collisions] == ["20250119_b.sql"]


def test_stand_ins_without_keep_going(scratch_server: ScratchServer, tmp_path: Path) -> None:
    result = replay_files(scratch_server, tmp_path, EXTENSIONS, supabase=True)
    assert result.ok, where(result)
    assert [s.extension for s in result.stand_ins] == ["pgcrypto", "uuid-ossp", "http", "pg_net"]


def test_stand_in_in_the_current_schema_without_supabase(
    scratch_server: ScratchServer, tmp_path: Path
) -> None:
    result = replay_files(
        scratch_server,
        tmp_path,
        {
            "001_ext.sql": 'create extension "uuid-ossp";\n'
            "create table t (id uuid default uuid_generate_v4());\n"
            'create extension "uuid-ossp";\n',
        },
        keep_going=True,
        supabase=False,
    )
    assert [(s.extension, s.schema, s.line) for s in result.stand_ins] == [("uuid-ossp", "public", 1)]
    assert "public.uuid_generate_v4" in result.stand_ins[0].objects
    # a second CREATE EXTENSION without IF NOT EXISTS fails as it would on a server with the extension
    assert [(f.line, f.sqlstate, f.message) for f in result.failures] == [
        (3, "42710", 'extension "uuid-ossp" already exists')
    ]
