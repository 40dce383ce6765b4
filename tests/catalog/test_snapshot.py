"""Reading a snapshot: identity and type spellings, what is left out, JSON round trip, bad input."""

from __future__ import annotations

import json
from dataclasses import replace

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from pgconsolidate.catalog import (
    SNAPSHOT_SCHEMA_VERSION,
    read_snapshot,
    read_snapshot_file,
    snapshot_from_json,
    snapshot_to_json,
)
from pgconsolidate.catalog.model import Column, Function
from pgconsolidate.compare import diff_snapshots
from pgconsolidate.db.connect import connection
from pgconsolidate.errors import DatabaseError, InputError
from pgconsolidate.scratch import ScratchServer, throwaway_database
from pgconsolidate.scratch.supabase import install_supabase_base

from .schema import build

SPELLINGS = """
CREATE SCHEMA extensions;
CREATE EXTENSION vector SCHEMA extensions;
CREATE TABLE memories (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    embedding extensions.vector(1536),
    loose extensions.vector,
    half extensions.halfvec(1024),
    title character varying(255),
    amount numeric(10,2),
    at timestamptz,
    tags text[]
);
CREATE FUNCTION search_memories(q text, n integer DEFAULT 5, OUT id uuid, OUT score real)
  RETURNS SETOF record LANGUAGE sql STABLE AS $$ SELECT id, 1::real FROM memories LIMIT n $$;
CREATE FUNCTION vector_search(v extensions.vector, threshold double precision, n integer)
  RETURNS TABLE (id uuid) LANGUAGE sql AS $$ SELECT id FROM memories LIMIT n $$;
CREATE PROCEDURE f(a timestamp with time zone, b varchar(10), c real[], INOUT d integer)
  LANGUAGE plpgsql AS $$ BEGIN d := 1; END $$;
CREATE FUNCTION sec() RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, extensions
  AS $$ SELECT $$;
"""


@pytest.fixture(scope="module")
def spelled(scratch_server: ScratchServer):
    with throwaway_database(scratch_server) as url:
        with connection(url, autocommit=True) as conn:
            conn.execute(SPELLINGS.encode())
        yield url


def test_type_spellings_follow_the_shared_convention(spelled: str) -> None:
    snap = read_snapshot(spelled)
    types = {c.identity: c.type for c in snap.columns if isinstance(c, Column)}
    assert types["public.memories.embedding"] == "vector(1536)"
    assert types["public.memories.loose"] == "vector"
    assert types["public.memories.half"] == "halfvec(1024)"
    assert types["public.memories.title"] == "character varying(255)"
    assert types["public.memories.amount"] == "numeric(10,2)"
    assert types["public.memories.at"] == "timestamp with time zone"
    assert types["public.memories.tags"] == "text[]"


def test_function_identities_follow_the_shared_convention(spelled: str) -> None:
    snap = read_snapshot(spelled)
    ids = {f.identity for f in snap.functions}
    assert ids == {
        "public.search_memories(text, integer)",
        "public.vector_search(vector, double precision, integer)",
        "public.f(timestamp with time zone, character varying, real[], integer)",
        "public.sec()",
    }
    sec = next(f for f in snap.functions if f.identity == "public.sec()")
    assert isinstance(sec, Function)
    assert sec.security_definer and sec.config == ("search_path=public, extensions",)
    proc = next(f for f in snap.functions if f.identity.startswith("public.f("))
    assert isinstance(proc, Function) and proc.prokind == "procedure"


def test_extension_objects_are_left_out_unless_asked(spelled: str) -> None:
    default = read_snapshot(spelled)
    assert not any(f.identity.startswith("extensions.") for f in default.functions)
    assert [e.identity for e in default.extensions] == ["vector"]
    assert default.extensions[0].schema == "extensions"
    full = read_snapshot(spelled, include_extension_objects=True, include_managed_schemas=True)
    assert any(f.identity.startswith("extensions.vector_in(") for f in full.functions)


def test_managed_schemas_are_left_out_unless_asked(scratch_db: str) -> None:
    install_supabase_base(scratch_db)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.notes (id int, owner uuid REFERENCES auth.users (id))")
    default = read_snapshot(scratch_db)
    assert [t.identity for t in default.tables] == ["public.notes"]
    assert not any(s.identity in ("auth", "storage", "extensions") for s in default.schemas)
    managed = read_snapshot(scratch_db, include_managed_schemas=True)
    assert "auth.users" in {t.identity for t in managed.tables}


def test_json_round_trip_is_exact(scratch_server: ScratchServer, scratch_db: str, tmp_path) -> None:
    build(scratch_db)
    snap = read_snapshot(scratch_db)
    text = snapshot_to_json(snap)
    assert json.loads(text)["schema_version"] == SNAPSHOT_SCHEMA_VERSION
    back = snapshot_from_json(text)
    assert back == snap
    assert diff_snapshots(snap, back).equivalent
    path = tmp_path / "snap.json"
    path.write_text(text)
    assert read_snapshot_file(path) == snap


def test_two_databases_built_alike_are_equivalent(scratch_server: ScratchServer) -> None:
    with throwaway_database(scratch_server) as a, throwaway_database(scratch_server) as b:
        build(a)
        build(b)
        assert diff_snapshots(read_snapshot(a), read_snapshot(b)).equivalent


def test_other_schema_version_is_refused() -> None:
    with pytest.raises(InputError, match="schema_version 2 is not supported"):
        snapshot_from_json(
            json.dumps({"schema_version": 2, "format": "pgconsolidate-snapshot", "objects": {}})
        )


def test_missing_field_is_refused(scratch_db: str) -> None:
    build(scratch_db)
    doc = json.loads(snapshot_to_json(read_snapshot(scratch_db)))
    del doc["objects"]["columns"][0]["type"]
    with pytest.raises(InputError, match="missing 'type'"):
        snapshot_from_json(json.dumps(doc))


def test_not_json_is_refused() -> None:
    with pytest.raises(InputError, match="not valid JSON"):
        snapshot_from_json("{nope")


def test_unreachable_url_is_one_redacted_line() -> None:
    url = "postgresql://alice:s3cret-pw@127.0.0.1:1/db?connect_timeout=2"
    with pytest.raises(DatabaseError) as info:
        read_snapshot(url)
    message = info.value.message
    assert "s3cret-pw" not in message and "\n" not in message
    assert "alice:***@" in message


def test_role_that_cannot_read_the_catalog(scratch_server: ScratchServer, scratch_db: str) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "DO $$ BEGIN CREATE ROLE pgc_cat_blind LOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
        conn.execute("REVOKE SELECT ON pg_catalog.pg_proc FROM PUBLIC")
    blind = make_conninfo(scratch_db, user="pgc_cat_blind")
    with psycopg.connect(blind) as probe:
        assert probe.execute("SELECT current_user").fetchone() == ("pgc_cat_blind",)
    with pytest.raises(DatabaseError, match=r"cannot read the catalog of .*permission denied"):
        read_snapshot(blind)


def test_snapshot_field_change_is_not_hidden_by_source(spelled: str) -> None:
    snap = read_snapshot(spelled)
    assert diff_snapshots(snap, replace(snap, source="elsewhere", server_version=1)).equivalent


def test_parallel_and_single_session_reads_agree(scratch_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pgconsolidate.catalog import reader

    build(scratch_db)
    sessions: list[str] = []
    real_connect = reader.connect

    def counting(url: str, **kwargs: bool) -> psycopg.Connection:
        sessions.append(url)
        return real_connect(url, **kwargs)

    monkeypatch.setattr(reader, "connect", counting)
    monkeypatch.setattr(reader, "PARALLEL_FROM", 0)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    parallel = read_snapshot(scratch_db)
    assert len(sessions) == 3  # really read by three sessions sharing one snapshot
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    single = read_snapshot(scratch_db)
    assert parallel == single
    assert sum(parallel.counts().values()) > 50


def test_objects_built_by_the_reader_equal_objects_built_normally(scratch_db: str) -> None:
    """The reader fills objects without __init__; a JSON round trip rebuilds them with __init__."""
    build(scratch_db)
    snap = read_snapshot(scratch_db)
    back = snapshot_from_json(snapshot_to_json(snap))
    for name in snap.counts():
        for mine, theirs in zip(snap.objects(name), back.objects(name), strict=True):
            assert mine == theirs and hash(mine) == hash(theirs)
            assert vars(mine) == vars(theirs)


def test_query_variants_for_older_servers() -> None:
    from pgconsolidate.catalog.reader import _query

    assert b"pg_get_function_sqlbody" in _query("functions", 180000)
    old = _query("functions", 130000)
    assert b"pg_get_function_sqlbody" not in old and b"prosqlbody" not in old


def test_same_schema_on_postgresql_16_and_18_is_equivalent(
    scratch_server: ScratchServer, scratch_db_16: str
) -> None:
    """Cross-version noise (PostgreSQL 18's NOT NULL constraints, 17's MAINTAIN privilege) is not a
    difference; a real difference still is."""
    old = scratch_db_16
    with throwaway_database(scratch_server) as new:
        build(old)
        build(new)
        a, b = read_snapshot(old), read_snapshot(new)
        assert a.server_version // 10000 == 16 and b.server_version // 10000 >= 17
        result = diff_snapshots(a, b)
        assert result.equivalent, result.differences
        assert result.notes and "MAINTAIN" in result.notes[0]
        with connection(new, autocommit=True) as conn:
            conn.execute("GRANT INSERT ON app.other TO pgc_cat_reader")
        result = diff_snapshots(a, read_snapshot(new))
        assert [d.identity for d in result.differences] == ["table app.other to pgc_cat_reader"]


def test_extra_sessions_that_cannot_connect_fall_back_to_one(
    scratch_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pgconsolidate.catalog import reader

    build(scratch_db)
    expected = read_snapshot(scratch_db)
    real_connect = reader.connect
    opened: list[str] = []
    attempts: list[str] = []

    def only_one_session(url: str, **kwargs: bool) -> psycopg.Connection:
        attempts.append(url)
        if opened:
            raise DatabaseError("too many connections for role")
        opened.append(url)
        return real_connect(url, **kwargs)

    monkeypatch.setattr(reader, "PARALLEL_FROM", 0)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    monkeypatch.setattr(reader, "connect", only_one_session)
    assert read_snapshot(scratch_db) == expected
    assert len(opened) == 1 and len(attempts) == 3


def test_grants_to_roles_with_awkward_names(scratch_db: str) -> None:
    """ACL items are parsed in Python: quoted role names with '=', '/', quotes and spaces survive."""
    awkward = 'pgc cat "odd"=x/y'
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            'DO $$ BEGIN CREATE ROLE "pgc cat ""odd""=x/y" NOLOGIN; '
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
        conn.execute("CREATE TABLE t (a int)")
        conn.execute('GRANT SELECT, UPDATE ON t TO "pgc cat ""odd""=x/y" WITH GRANT OPTION')
        conn.execute('GRANT INSERT ON t TO "pgc cat ""odd""=x/y"')
    snap = read_snapshot(scratch_db)
    grant = next(g for g in snap.grants if g.grantee == awkward)
    assert grant.identity == f"table public.t to {awkward}"
    assert grant.privileges == ("INSERT", "SELECT", "UPDATE")
    assert grant.grantable == ("SELECT", "UPDATE")


def test_snapshots_of_different_scope_are_compared_with_a_note(scratch_db: str) -> None:
    install_supabase_base(scratch_db)
    narrow = read_snapshot(scratch_db)
    wide = read_snapshot(scratch_db, include_managed_schemas=True)
    assert (narrow.scope, wide.scope) == ("user", "user+managed")
    assert snapshot_from_json(snapshot_to_json(wide)).scope == "user+managed"
    result = diff_snapshots(narrow, wide)
    assert not result.equivalent  # auth.users and the rest are only in the wide one
    assert any("use the same --include-* options" in n for n in result.notes)
