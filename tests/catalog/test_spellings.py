"""Texts the catalog queries build themselves (to avoid a costly server function) equal what that
server function prints, for every shape."""

from __future__ import annotations

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.db.connect import connection

FUNCTIONS = """
CREATE SCHEMA hidden;
CREATE TYPE hidden.pair AS (a integer, b text);
CREATE DOMAIN public.posint AS integer CHECK (VALUE > 0);
CREATE TABLE public.item (id integer, name text);
CREATE FUNCTION public.f_int(a integer) RETURNS integer LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION public.f_void() RETURNS void LANGUAGE sql AS $$ SELECT $$;
CREATE FUNCTION public.f_setof() RETURNS SETOF public.item LANGUAGE sql AS $$ SELECT * FROM public.item $$;
CREATE FUNCTION public.f_table(n integer) RETURNS TABLE (id integer, "Odd Name" text)
  LANGUAGE sql AS $$ SELECT id, name FROM public.item LIMIT n $$;
CREATE FUNCTION public.f_out(IN a integer, OUT b integer, OUT c text) LANGUAGE sql AS $$ SELECT a, 'x' $$;
CREATE FUNCTION public.f_setof_out(a integer, OUT b integer) RETURNS SETOF integer
  LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION public.f_hidden() RETURNS hidden.pair LANGUAGE sql AS $$ SELECT 1, 'a' $$;
CREATE FUNCTION public.f_hidden_set() RETURNS SETOF hidden.pair LANGUAGE sql AS $$ SELECT 1, 'a' $$;
CREATE FUNCTION public.f_array() RETURNS varchar(10)[] LANGUAGE sql AS $$ SELECT ARRAY['a'] $$;
CREATE FUNCTION public.f_domain() RETURNS public.posint LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION public.f_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE FUNCTION public.f_record() RETURNS SETOF record LANGUAGE sql AS $$ SELECT 1, 2 $$;
CREATE PROCEDURE public.p_proc(INOUT a integer) LANGUAGE plpgsql AS $$ BEGIN a := 1; END $$;
CREATE AGGREGATE public.agg_sum(integer) (SFUNC = int4pl, STYPE = integer);
"""


def test_function_results_equal_pg_get_function_result(scratch_db: str) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(FUNCTIONS.encode())
    snap = read_snapshot(scratch_db)
    got = {f.identity: f.result for f in snap.functions}
    with connection(scratch_db) as conn:
        conn.execute("SET search_path TO pg_catalog, public")
        rows = conn.execute(
            "SELECT p.proname, pg_get_function_result(p.oid) FROM pg_proc p "
            "WHERE p.pronamespace = 'public'::regnamespace"
        ).fetchall()
    expected = {str(name): result for name, result in rows}
    by_name = {identity.split(".", 1)[1].split("(", 1)[0]: result for identity, result in got.items()}
    assert by_name == expected
    assert by_name["f_table"] == 'TABLE(id integer, "Odd Name" text)'
    assert by_name["f_hidden_set"] == "SETOF hidden.pair"
    assert by_name["p_proc"] is None


CONSTRAINTS = """
CREATE SCHEMA other;
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY);
CREATE TABLE other."Parent Table" ("Key" integer PRIMARY KEY, code text UNIQUE, a integer, b integer,
                                   UNIQUE (a, b));
CREATE TABLE public.parent (id integer PRIMARY KEY, code text, CONSTRAINT parent_code_key UNIQUE (code));
CREATE TABLE public.child (
    id integer,
    "select" integer,
    parent_id integer REFERENCES public.parent (id),
    parent_code text REFERENCES public.parent (code) ON UPDATE CASCADE ON DELETE SET NULL,
    p2 integer REFERENCES public.parent ON DELETE CASCADE ON UPDATE RESTRICT,
    p3 integer REFERENCES public.parent ON DELETE SET DEFAULT,
    p4 integer REFERENCES public.parent ON DELETE RESTRICT ON UPDATE NO ACTION,
    o1 integer REFERENCES other."Parent Table",
    a integer, b integer,
    u uuid REFERENCES auth.users,
    CONSTRAINT child_pkey PRIMARY KEY (id, "select"),
    CONSTRAINT child_ab_fkey FOREIGN KEY (a, b) REFERENCES other."Parent Table" (a, b) MATCH FULL,
    CONSTRAINT child_set_null_cols FOREIGN KEY (a, b) REFERENCES other."Parent Table" (a, b)
        ON DELETE SET NULL (a),
    CONSTRAINT child_deferred FOREIGN KEY (p2) REFERENCES public.parent DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT child_check CHECK ("select" > 0),
    CONSTRAINT child_u_nnd UNIQUE NULLS NOT DISTINCT (a),
    CONSTRAINT child_u_incl UNIQUE (b) INCLUDE (a)
);
ALTER TABLE public.child ADD CONSTRAINT child_not_valid FOREIGN KEY (p3) REFERENCES public.parent NOT VALID;
CREATE TABLE public.parted (id integer, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE public.parted_2020 PARTITION OF public.parted FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE public.refs_parted (id integer, at date, FOREIGN KEY (id, at) REFERENCES public.parted);
"""

CONSTRAINTS_18 = """
CREATE TABLE public.temporal (id int4range, valid daterange,
                              PRIMARY KEY (id, valid WITHOUT OVERLAPS));
CREATE TABLE public.temporal_ref (id int4range, valid daterange,
    FOREIGN KEY (id, PERIOD valid) REFERENCES public.temporal (id, PERIOD valid));
ALTER TABLE public.child ADD CONSTRAINT child_not_enforced FOREIGN KEY (p4) REFERENCES public.parent
    NOT ENFORCED;
"""


def test_constraint_definitions_equal_pg_get_constraintdef(scratch_db: str) -> None:
    _check_constraints(scratch_db)


def test_constraint_definitions_on_postgresql_16(scratch_db_16: str) -> None:
    _check_constraints(scratch_db_16)


def _check_constraints(scratch_db: str) -> None:
    from pgconsolidate.catalog import reader as reader_module

    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(CONSTRAINTS.encode())
        if conn.info.server_version >= 180000:
            conn.execute(CONSTRAINTS_18.encode())
    snap = read_snapshot(scratch_db)
    got = {c.identity: c.definition for c in snap.constraints}
    with connection(scratch_db) as conn:
        conn.execute("SET search_path TO pg_catalog, public")
        rows = conn.execute(
            "SELECT n.nspname || '.' || c.relname || '.' || k.conname, pg_get_constraintdef(k.oid, true) "
            "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname IN ('public', 'other') AND k.contype <> 'n' "
            # a foreign key's clones for the referenced table's partitions are implied, not read
            "AND NOT (k.contype = 'f' AND k.conparentid <> 0 AND k.conrelid = "
            "(SELECT p.conrelid FROM pg_constraint p WHERE p.oid = k.conparentid))"
        ).fetchall()
    assert got == {str(identity): definition for identity, definition in rows}
    assert got["public.child.child_u_fkey"] == "FOREIGN KEY (u) REFERENCES auth.users(id)"  # asked again
    assert got["public.child.child_o1_fkey"] == 'FOREIGN KEY (o1) REFERENCES other."Parent Table"("Key")'
    assert {"constraints"} <= reader_module._FINISHED


def test_plain_constraint_spelling() -> None:
    from pgconsolidate.catalog.constraintdef import plain_constraint

    cols = {1: ("id", 23, 0), 2: ('"select"', 23, 0)}
    assert plain_constraint("p", [1, 2], cols) == 'PRIMARY KEY (id, "select")'
    assert plain_constraint("u", [2], cols) == 'UNIQUE ("select")'
    assert plain_constraint("f", [1], cols, "t", [1], cols, "c", "n") == (
        "FOREIGN KEY (id) REFERENCES t(id) ON UPDATE CASCADE ON DELETE SET NULL"
    )
    assert plain_constraint("f", [1], cols, "t", [3], cols) is None  # a column that was not read
    assert plain_constraint("c", [1], cols) is None
