"""The example's production database, built once per session on the embedded server and checked there."""

from __future__ import annotations

import re
import secrets
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgconsolidate.db.connect import connection
from pgconsolidate.demo import ProductionDb, build_production_db, build_production_into
from pgconsolidate.errors import InputError
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch.databases import drop_database

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ai-memory"
MIGRATIONS = EXAMPLE / "supabase" / "migrations"


@pytest.fixture(scope="module")
def production(scratch_server: ScratchServer) -> Iterator[ProductionDb]:
    name = f"pgc_test_production_{secrets.token_hex(4)}"
    db = build_production_db(scratch_server, str(MIGRATIONS), name=name)
    yield db
    drop_database(scratch_server, name)


def _rows(url: str, query: str) -> list[tuple[object, ...]]:
    with connection(url, autocommit=True) as conn:
        conn.execute("SET search_path TO public, extensions")
        return conn.execute(query).fetchall()


def test_row_counts(production: ProductionDb) -> None:
    counts = dict(
        _rows(
            production.url,
            "select 'users', count(*) from auth.users union all "
            "select 'memories', count(*) from memories union all "
            "select 'ai_memories', count(*) from ai_memories union all "
            "select 'agents', count(*) from agents union all "
            "select 'sessions', count(*) from agent_sessions union all "
            "select 'profiles', count(*) from profiles",
        )
    )
    assert counts == {
        "users": 300,
        "memories": 2000,
        "ai_memories": 2000,
        "agents": 450,
        "sessions": 1500,
        "profiles": 300,  # written by the on_auth_user_created trigger, as in production
    }
    assert dict(production.row_counts)["public.memories"] == 2000


def test_overlapping_ids_have_different_content(production: ProductionDb) -> None:
    rows = _rows(
        production.url,
        "select count(*), count(*) filter (where m.content <> a.content) "
        "from memories m join ai_memories a using (id)",
    )
    assert rows == [(240, 240)]
    assert production.overlapping_ids == 240


def test_mixed_dimensions_in_dimensionless_columns(production: ProductionDb) -> None:
    types = _rows(
        production.url,
        "select attrelid::regclass::text, format_type(atttypid, atttypmod) from pg_attribute "
        "where attname = 'embedding' "
        "and attrelid in ('memories'::regclass, 'ai_memories'::regclass) order by 1",
    )
    assert types == [("ai_memories", "vector"), ("memories", "vector")]
    dims = _rows(
        production.url,
        "select vector_dims(embedding), count(*) from memories "
        "where embedding is not null group by 1 order by 1",
    )
    assert [d for d, _ in dims] == [768, 1536]
    assert dims[1][1] > 4 * dims[0][1]  # mostly the column's intended dimension
    assert ("public.ai_memories", 768, 250) in production.dimensions


def test_security_definers_match_the_answer_key(production: ProductionDb) -> None:
    text = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    inventory = tomllib.loads(re.findall(r"```toml\n(.*?)```", text, re.DOTALL)[-1])
    rows = _rows(
        production.url,
        "select n.nspname || '.' || p.proname || '(' || array_to_string(array("
        "  select format_type(t, null) from unnest(p.proargtypes) with ordinality as a(t, i) order by i),"
        " ', ')"
        " || ')' from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
        "where p.prosecdef and n.nspname = 'public' order by 1",
    )
    assert [r[0] for r in rows] == sorted(inventory["definer_functions"])
    assert production.definers == inventory["security_definer_functions"] == 31


def test_dashboard_extensions_and_history(production: ProductionDb) -> None:
    assert production.dashboard == ("vector", "http (stand-in)", "pg_net (stand-in)")
    ext = _rows(
        production.url, "select extname, extnamespace::regnamespace::text from pg_extension order by 1"
    )
    assert ("vector", "extensions") in ext
    # vector existed before the files, so 001's ai_memories was created, as in production
    assert not any(f.file == "001_ai_agents_tables.sql" for f in production.failures)
    assert any(f.file == "20250719191801_create_memories.sql" and f.line == 8 for f in production.failures)
    applied = [o.file for o in production.replay.files if o.status == "applied"]
    versions = _rows(production.url, "select version, name from supabase_migrations.schema_migrations")
    assert production.history_rows == len(versions) == len(applied)


def test_refuses_a_database_that_is_not_empty(production: ProductionDb) -> None:
    with pytest.raises(InputError, match="not empty"):
        build_production_into(production.url, str(MIGRATIONS))


def test_an_extension_a_file_creates_plainly_is_not_enabled_from_the_dashboard(
    scratch_server: ScratchServer, tmp_path: Path
) -> None:
    # a real Supabase chat app's first file runs plain CREATE EXTENSION http / vector: enabled "from the
    # dashboard" first, both failed and the file was left out of the history, as if it never ran
    d = tmp_path / "supabase" / "migrations"
    d.mkdir(parents=True)
    (d / "20240101000000_setup.sql").write_text(
        "create extension http with schema extensions;\ncreate extension vector with schema extensions;\n"
        "create table public.items (id uuid primary key, owner uuid references auth.users (id),"
        " embedding extensions.vector(3));\n"
    )
    (d / "20240102000000_more.sql").write_text("alter table public.items add column note text;\n")
    name = f"pgc_test_production_{secrets.token_hex(4)}"
    try:
        db = build_production_db(scratch_server, str(d), name=name, data=False)
        assert db.dashboard == ()  # http and vector created plainly; pg_net never named
        assert db.failures == ()
        assert db.history_rows == 2
        ext = _rows(db.url, "select extname, extnamespace::regnamespace::text from pg_extension")
        assert ("vector", "extensions") in ext
    finally:
        drop_database(scratch_server, name)


def test_dashboard_enables_only_what_the_files_name(tmp_path: Path) -> None:
    # pure: a finance app that names none of vector/http/pg_net got vector from "the dashboard", which
    # inspect --against then reported as drift (+ extension vector, only in the database)
    from pgconsolidate.demo.production import dashboard_wanted
    from pgconsolidate.sources.reader import read_dir

    d = tmp_path / "supabase" / "migrations"
    d.mkdir(parents=True)
    (d / "001_a.sql").write_text("create extension if not exists pgcrypto;\ncreate table t (id int);\n")
    assert dashboard_wanted(read_dir(str(d))) == frozenset()
    (d / "002_b.sql").write_text(
        "create table public.e (v vector(3));\ncreate extension if not exists http with schema extensions;\n"
    )
    assert dashboard_wanted(read_dir(str(d))) == {"vector", "http"}
    assert dashboard_wanted(read_dir(str(MIGRATIONS))) == {"vector", "http", "pg_net"}  # the example's


def test_demo_db_says_none_when_no_dashboard_extension(
    scratch_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pgconsolidate.cli import run

    d = tmp_path / "supabase" / "migrations"
    d.mkdir(parents=True)
    (d / "001_a.sql").write_text("create table public.t (id uuid references auth.users (id));\n")
    assert run(["demo-db", "--database-url", scratch_db, "--migrations", str(d)]) == 0
    assert "enabled from the dashboard: none\n" in capsys.readouterr().out
