"""The Supabase template database: built once per server, safe under concurrent use, cloned per replay."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from pgconsolidate.db.connect import connection
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch.databases import database_name, drop_database
from pgconsolidate.scratch.supabase import (
    TEMPLATE_PREFIX,
    ensure_supabase_template,
    supabase_database,
    template_name,
)


def test_template_is_named_after_the_base() -> None:
    name = template_name()
    assert name.startswith(TEMPLATE_PREFIX) and name == template_name()
    assert len(name) <= 63


def test_concurrent_clones(scratch_server: ScratchServer) -> None:
    assert ensure_supabase_template(scratch_server) == template_name()
    with ThreadPoolExecutor(max_workers=3) as pool:
        urls = list(pool.map(lambda _: supabase_database(scratch_server), range(3)))
    try:
        assert len(set(urls)) == 3
        for url in urls:
            with connection(url, autocommit=True) as conn:
                row = conn.execute(
                    "select current_setting('search_path'), to_regclass('auth.users') is not null, "
                    "(select count(*) from pg_publication where pubname = 'supabase_realtime'), "
                    "extensions.uuid_generate_v4() is not null"
                ).fetchone()
            assert row == ('"$user", public, extensions', True, 1, True)
    finally:
        for url in urls:
            drop_database(scratch_server, database_name(url))
