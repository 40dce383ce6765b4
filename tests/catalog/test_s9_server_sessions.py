"""Views and policies are read by the same session when two sessions share the kinds: the policies'
expressions (pg_get_expr with the table) open the same tables as the views' definitions, whose relation
cache entries that session has then built already."""

from __future__ import annotations

import threading

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.db.connect import connection

SCHEMA = """
CREATE SCHEMA app;
CREATE TABLE app.t (id int PRIMARY KEY, score int, owner text);
ALTER TABLE app.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY t_read ON app.t FOR SELECT USING (score > 0);
CREATE VIEW app.v AS SELECT id, score FROM app.t WHERE score > 1;
CREATE TABLE app.u (id int PRIMARY KEY, t_id int REFERENCES app.t (id));
CREATE SEQUENCE app.s;
CREATE FUNCTION app.f(p int) RETURNS int LANGUAGE sql AS $$ SELECT p $$;
"""


def test_views_and_policies_are_read_by_one_session(scratch_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(SCHEMA)
    monkeypatch.delenv("PGCONSOLIDATE_CATALOG_WORKERS", raising=False)
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)  # two sessions even for this small catalog
    readers: dict[str, set[int]] = {}
    real_query = reader_module._query

    def recording(name: str, server_version: int) -> bytes:
        readers.setdefault(name, set()).add(threading.get_ident())
        return real_query(name, server_version)

    monkeypatch.setattr(reader_module, "_query", recording)
    for _ in range(5):  # whichever session takes the views, the policies follow them
        readers.clear()
        snapshot = read_snapshot(scratch_db)
        assert [v.identity for v in snapshot.views] == ["app.v"]
        assert [p.identity for p in snapshot.policies] == ["app.t.t_read"]
        assert len(readers["columns"] | readers["functions"]) == 2  # two sessions read
        assert len(readers["views"]) == 1
        assert readers["policies"] == readers["views"]


def test_followers_are_shared_kinds() -> None:
    for kind, follower in reader_module.FOLLOWERS.items():
        assert kind in reader_module.SHARED and follower in reader_module.SHARED
        assert reader_module.SHARED.index(kind) < reader_module.SHARED.index(follower)
