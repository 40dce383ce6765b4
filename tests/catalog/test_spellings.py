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
