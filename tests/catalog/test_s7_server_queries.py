"""Session 7's cheaper catalog queries give what the server's own functions print (PostgreSQL 16 and 18).

* views are found by their ``_RETURN`` rules (not a scan of pg_class): every view and materialized view,
  with its definition, options, owner and comment;
* a foreign key's referenced table is qualified without ``pg_table_is_visible`` when its schema is not in
  the search path: the definitions still equal ``pg_get_constraintdef`` (a table in public shadowed by a
  pg_catalog table of the same name is qualified, one in an unlisted schema is, one in public is not).
"""

from __future__ import annotations

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.db.connect import connection

SCHEMA = """
CREATE SCHEMA other;
CREATE TABLE public.base (id integer PRIMARY KEY, name text);
CREATE TABLE other.base (id integer PRIMARY KEY);
CREATE TABLE public.pg_type (id integer PRIMARY KEY);  -- shadowed by pg_catalog.pg_type
CREATE TABLE public.refs (
    a integer REFERENCES public.base,
    b integer REFERENCES other.base,
    c integer REFERENCES public.pg_type
);
CREATE VIEW public.v_plain AS SELECT id, name FROM public.base WHERE id > 1;
CREATE VIEW other.v_other WITH (security_barrier = true) AS SELECT b.id FROM other.base b;
CREATE MATERIALIZED VIEW public.mv AS SELECT count(*) AS n FROM public.base;
COMMENT ON VIEW public.v_plain IS 'plain view';
CREATE RULE base_notify AS ON DELETE TO public.base DO ALSO NOTHING;  -- a rule that is not a view's
"""


@pytest.mark.parametrize("major", [16, 18])
def test_views_and_foreign_keys_as_the_server_spells(major: int, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("scratch_db_16" if major == 16 else "scratch_db")
    with connection(url, autocommit=True) as conn:
        conn.execute(SCHEMA.encode())
    snap = read_snapshot(url)
    with connection(url) as conn:
        conn.execute("SET search_path TO pg_catalog, public")
        views = conn.execute(
            "SELECT n.nspname || '.' || c.relname, c.relkind = 'm', pg_get_viewdef(c.oid, true), "
            "coalesce(c.reloptions, '{}'), obj_description(c.oid, 'pg_class') "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('v', 'm') AND n.nspname IN ('public', 'other')"
        ).fetchall()
        keys = conn.execute(
            "SELECT k.conname, pg_get_constraintdef(k.oid, true) FROM pg_constraint k "
            "WHERE k.conrelid = 'public.refs'::regclass AND k.contype = 'f'"
        ).fetchall()
    got_views = {v.identity: (v.materialized, v.definition, list(v.options), v.comment) for v in snap.views}
    from pgconsolidate.catalog.normalize import normalize_definition

    assert got_views == {
        str(identity): (materialized, normalize_definition(definition), list(options), comment)
        for identity, materialized, definition, options, comment in views
    }
    assert len(got_views) == 3
    refs = [c for c in snap.constraints if c.table == "public.refs"]
    got_keys = {c.identity.rsplit(".", 1)[1]: c.definition for c in refs}
    assert got_keys == {str(name): definition for name, definition in keys}
    assert got_keys["refs_a_fkey"] == "FOREIGN KEY (a) REFERENCES base(id)"
    assert got_keys["refs_b_fkey"] == "FOREIGN KEY (b) REFERENCES other.base(id)"
    assert got_keys["refs_c_fkey"] == "FOREIGN KEY (c) REFERENCES public.pg_type(id)"


INDEXES = """
CREATE TABLE public.docs (id integer PRIMARY KEY, body tsvector, n integer, t text);
CREATE INDEX docs_body_siglen ON public.docs USING gist (body tsvector_ops (siglen = 100));
CREATE INDEX docs_body_plain ON public.docs USING gist (body);
CREATE INDEX docs_body_gin ON public.docs USING gin (body);
CREATE INDEX docs_n_multi ON public.docs USING brin (n int4_minmax_multi_ops (values_per_range = 16));
CREATE INDEX docs_n_brin ON public.docs USING brin (n);
CREATE INDEX docs_t_hash ON public.docs USING hash (t);
CREATE INDEX docs_t_where ON public.docs (t) WHERE n IS NOT NULL;
"""


@pytest.mark.parametrize("major", [16, 18])
def test_index_definitions_with_opclass_options(major: int, request: pytest.FixtureRequest) -> None:
    """Opclass options are not looked for by the indexes query: keys whose opclass may carry some are left
    to the server, so every definition still equals pg_get_indexdef (with and without options)."""
    from pgconsolidate.catalog import reader

    url = request.getfixturevalue("scratch_db_16" if major == 16 else "scratch_db")
    with connection(url, autocommit=True) as conn:
        conn.execute(INDEXES.encode())
    asked: list[int] = []
    real = reader._ask_server

    def ask_server(conn: object, call: str, objects: dict[int, object]) -> None:
        asked.extend(objects)
        real(conn, call, objects)  # type: ignore[arg-type]

    reader._ask_server = ask_server  # type: ignore[assignment]
    try:
        snap = read_snapshot(url)
    finally:
        reader._ask_server = real
    with connection(url) as conn:
        conn.execute("SET search_path TO pg_catalog, public")
        rows = conn.execute(
            "SELECT c.relname, pg_get_indexdef(c.oid) "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = 'public.docs'::regclass"
        ).fetchall()
        with_options = {
            oid
            for (oid,) in conn.execute(
                "SELECT c.oid FROM pg_class c WHERE c.relname IN ('docs_body_siglen', 'docs_n_multi')"
            )
        }
    got = {i.identity.split(".", 1)[1]: i.definition for i in snap.indexes if i.table == "public.docs"}
    assert got == {str(name): definition for name, definition in rows}
    assert "(siglen='100')" in got["docs_body_siglen"]
    assert "(values_per_range='16')" in got["docs_n_multi"]
    assert with_options <= set(asked)  # spelled by the server, not in Python


GRANTS = """
CREATE SCHEMA other;
CREATE TABLE public.base (id integer PRIMARY KEY, name text);
CREATE VIEW public.v_cols AS SELECT id, name FROM public.base;
CREATE MATERIALIZED VIEW other.mv_cols AS SELECT id FROM public.base;
CREATE ROLE s7_h5_reader;
GRANT SELECT (id) ON public.v_cols TO s7_h5_reader;
GRANT SELECT (id) ON other.mv_cols TO s7_h5_reader;
CREATE TYPE public.floatrange AS RANGE (subtype = float8);
REVOKE USAGE ON TYPE public.floatrange FROM PUBLIC;
GRANT USAGE ON TYPE public.floatrange TO s7_h5_reader;
"""


@pytest.mark.parametrize("major", [16, 18])
def test_view_column_and_range_type_grants(major: int, request: pytest.FixtureRequest) -> None:
    """The grants query finds views by their rules and types' schemas per type: the column privileges of
    views and materialized views, and range and multirange types' privileges, are all read."""
    url = request.getfixturevalue("scratch_db_16" if major == 16 else "scratch_db")
    with connection(url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS s7_h5_reader")
        conn.execute(GRANTS.encode())
    try:
        snap = read_snapshot(url)
    finally:
        with connection(url, autocommit=True) as conn:
            conn.execute("DROP OWNED BY s7_h5_reader")
            conn.execute("DROP ROLE s7_h5_reader")
    grants = {(g.object_kind, g.object, g.grantee): g.privileges for g in snap.grants}
    assert grants[("column", "public.v_cols.id", "s7_h5_reader")] == ("SELECT",)
    assert grants[("column", "other.mv_cols.id", "s7_h5_reader")] == ("SELECT",)
    assert not any(kind == "column" and obj.endswith(".name") for kind, obj, _ in grants)
    assert grants[("type", "public.floatrange", "s7_h5_reader")] == ("USAGE",)
    assert ("type", "public.floatrange", "PUBLIC") not in grants
    assert any(kind == "type" and obj == "public.floatmultirange" for kind, obj, _ in grants)
