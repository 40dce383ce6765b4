"""Session 9's server-side changes to the catalog queries read what the server would print, on PostgreSQL
16 and 18: a foreign key's referenced table named by regclass's output (qualified unless visible in the
reader's search path, which holds the extensions' schemas), column comments probed only when some column
has one, functions read without ORDER BY (the snapshot still lists them sorted)."""

from __future__ import annotations

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.db.connect import connection

SCHEMA = """
CREATE SCHEMA extensions;
CREATE EXTENSION vector SCHEMA extensions;
CREATE SCHEMA app;
CREATE TABLE public.parent (id int PRIMARY KEY);
CREATE TABLE extensions.parent (id int PRIMARY KEY);  -- shadowed by public.parent: qualified
CREATE TABLE extensions.only_here (id int PRIMARY KEY);  -- visible through the extension's schema
CREATE TABLE public."select" (id int PRIMARY KEY);
CREATE TABLE public."Parent Table" ("Key" int PRIMARY KEY);
CREATE TABLE app.t (id int PRIMARY KEY);
CREATE TABLE app."Odd Name" (id int PRIMARY KEY);
CREATE TABLE public.child (
    a int REFERENCES public.parent,
    b int REFERENCES extensions.parent,
    c int REFERENCES extensions.only_here,
    d int REFERENCES public."select",
    e int REFERENCES public."Parent Table",
    f int REFERENCES app.t,
    g int REFERENCES app."Odd Name",
    h int REFERENCES public.child_self (id)
);
"""

SELF = "CREATE TABLE public.child_self (id int PRIMARY KEY, up int REFERENCES public.child_self);"


@pytest.mark.parametrize("major", [16, 18])
def test_foreign_keys_name_their_tables_as_the_server(major: int, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("scratch_db_16" if major == 16 else "scratch_db")
    with connection(url, autocommit=True) as conn:
        conn.execute(SELF)
        conn.execute(SCHEMA)
    got = {c.identity: c.definition for c in read_snapshot(url).constraints if c.contype == "foreign key"}
    with connection(url) as conn:
        conn.execute("SET search_path TO pg_catalog, public, extensions")  # as the reader sets it
        rows = conn.execute(
            "SELECT n.nspname || '.' || c.relname || '.' || k.conname, pg_get_constraintdef(k.oid, true) "
            "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname IN ('public', 'app') AND k.contype = 'f'"
        ).fetchall()
    assert got == {str(identity): definition for identity, definition in rows}
    assert got["public.child.child_b_fkey"] == "FOREIGN KEY (b) REFERENCES extensions.parent(id)"
    assert got["public.child.child_c_fkey"] == "FOREIGN KEY (c) REFERENCES only_here(id)"
    assert got["public.child.child_d_fkey"] == 'FOREIGN KEY (d) REFERENCES "select"(id)'
    assert got["public.child.child_g_fkey"] == 'FOREIGN KEY (g) REFERENCES app."Odd Name"(id)'


@pytest.mark.parametrize("major", [16, 18])
def test_column_comments_and_function_order(major: int, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("scratch_db_16" if major == 16 else "scratch_db")
    with connection(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE public.t (a int, b text, c text); COMMENT ON TABLE public.t IS 'a table';"
            "CREATE FUNCTION public.zz() RETURNS int LANGUAGE sql AS 'SELECT 1';"
            "CREATE FUNCTION public.aa(int) RETURNS int LANGUAGE sql AS 'SELECT 1';"
            "CREATE FUNCTION public.aa() RETURNS int LANGUAGE sql AS 'SELECT 1';"
            "CREATE FUNCTION public.mm() RETURNS int LANGUAGE sql AS 'SELECT 1';"
        )
    snapshot = read_snapshot(url)  # no column comment: the probe is skipped
    assert {c.identity: c.comment for c in snapshot.columns} == {
        "public.t.a": None,
        "public.t.b": None,
        "public.t.c": None,
    }
    assert [f.identity for f in snapshot.functions] == [
        "public.aa()",
        "public.aa(integer)",
        "public.mm()",
        "public.zz()",
    ]
    with connection(url, autocommit=True) as conn:
        conn.execute("COMMENT ON COLUMN public.t.b IS 'column b'; COMMENT ON COLUMN public.t.c IS 'it''s c'")
    columns = {c.identity: c.comment for c in read_snapshot(url).columns}
    assert columns == {"public.t.a": None, "public.t.b": "column b", "public.t.c": "it's c"}
