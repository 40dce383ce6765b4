"""``CREATE DATABASE ... STRATEGY`` only on PostgreSQL 15+ (session 11, H12): a PostgreSQL 14 scratch server
rejected the option (a syntax error there), so copying the Supabase base template failed on it."""

from __future__ import annotations

import dataclasses

import psycopg
import pytest

from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch.databases import copy_database_query, create_database, drop_database


def test_strategy_only_from_15(scratch_server: ScratchServer) -> None:
    with psycopg.connect(scratch_server.admin_url) as conn:
        text = {m: copy_database_query("new db", "tpl", "WAL_LOG", m).as_string(conn) for m in (14, 15, None)}
    assert text[14] == 'CREATE DATABASE "new db" TEMPLATE "tpl"'
    assert text[15] == text[None] == 'CREATE DATABASE "new db" TEMPLATE "tpl" STRATEGY WAL_LOG'
    with pytest.raises(ValueError, match="strategy"):
        copy_database_query("a", "b", "wal_log; DROP", 16)


def test_copy_without_strategy_runs(scratch_server: ScratchServer, scratch_db: str) -> None:
    """The query a PostgreSQL 14 server gets (no STRATEGY) copies a template on this server too."""
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE marker (id int)")
        template = conn.info.dbname
    old = dataclasses.replace(scratch_server, major=14)
    url = create_database(old, template=template)
    try:
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT to_regclass('public.marker') IS NOT NULL").fetchone() == (True,)
    finally:
        drop_database(scratch_server, psycopg.conninfo.conninfo_to_dict(url)["dbname"])
