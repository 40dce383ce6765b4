from __future__ import annotations

import psycopg

from pgconsolidate.scratch import create_database, drop_database, throwaway_database, tool_path
from pgconsolidate.scratch.databases import database_name
from pgconsolidate.scratch.supabase import install_supabase_base


def test_embedded_server_is_postgres_18_with_pgvector(scratch_db):
    with psycopg.connect(scratch_db) as conn:
        assert conn.info.server_version // 10000 == 18
        conn.execute("CREATE EXTENSION vector")
        dims = conn.execute("SELECT vector_dims('[1,2,3]'::vector)").fetchone()
        assert dims == (3,)


def test_throwaway_database_is_dropped(scratch_server):
    with throwaway_database(scratch_server) as url:
        name = database_name(url)
        with psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE t (x int)")
    with psycopg.connect(scratch_server.admin_url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,)).fetchone() == (0,)


def test_template_copy(scratch_server):
    template = create_database(scratch_server)
    try:
        with psycopg.connect(template) as conn:
            conn.execute("CREATE TABLE marker (x int)")
        with (
            throwaway_database(scratch_server, template=database_name(template)) as url,
            psycopg.connect(url) as conn,
        ):
            assert conn.execute("SELECT to_regclass('marker') IS NOT NULL").fetchone() == (True,)
    finally:
        drop_database(scratch_server, database_name(template))


def test_supabase_base_is_idempotent(scratch_db):
    install_supabase_base(scratch_db)
    install_supabase_base(scratch_db)
    with psycopg.connect(scratch_db) as conn:
        assert conn.execute("SHOW search_path").fetchone() == ('"$user", public, extensions',)
        conn.execute('SET request.jwt.claims = \'{"sub": "7d1d2b5e-8a6b-4a7e-9a3b-2f6c1e0d9a11"}\'')
        assert str(conn.execute("SELECT auth.uid()").fetchone()[0]).startswith("7d1d2b5e")


def test_bundled_client_tools_match_server(scratch_server):
    for name in ("pg_dump", "pg_restore", "psql"):
        path = tool_path(name, scratch_server.major)
        assert path.exists()
        assert str(scratch_server.major) in path.parent.parent.name or path.parent == scratch_server.bin_dir
