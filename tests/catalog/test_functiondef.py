"""Functions' identities, argument lists and results, spelled by catalog/functiondef.py from raw catalog
columns, equal what the server prints (oidvectortypes, pg_get_function_arguments, pg_get_function_result)
for every shape, on PostgreSQL 18 and 16."""

from __future__ import annotations

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog.functiondef import RawSignature, plain_default, spell
from pgconsolidate.db.connect import connection

SHAPES = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE SCHEMA hidden;
CREATE SCHEMA app;
CREATE TYPE hidden.pair AS (a integer, b text);
CREATE TYPE app.mood AS ENUM ('happy', 'sad');
CREATE DOMAIN app.posint AS integer CHECK (VALUE > 0);
CREATE TABLE app.item (id integer, name text);
CREATE FUNCTION app.f_none() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION app.f_unnamed(integer, text) RETURNS text LANGUAGE sql AS $$ SELECT $2 $$;
CREATE FUNCTION app.f_mixed(integer, b text) RETURNS text LANGUAGE sql AS $$ SELECT b $$;
CREATE FUNCTION app.f_keywords("select" integer, "user" text, type text, "from" int, "Odd Name" int,
                               "with space" int, "a""b" int, _under int, "é" int)
  RETURNS void LANGUAGE sql AS $$ SELECT $$;
CREATE FUNCTION app.f_typmods(a varchar(10), b numeric(10,2), c timestamp(3) with time zone, d bit(3),
                              e character(4), f "char", g time(2), h interval hour, i varchar(10)[])
  RETURNS varchar(20) LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_types(a timestamptz, b timestamp, c double precision, d real[], e bigint[][],
                            f vector, g hidden.pair, h app.mood, i app.posint, j app.item, k bytea,
                            l "any") RETURNS hidden.pair LANGUAGE internal AS 'int4in';
CREATE FUNCTION app.f_out(IN a integer, OUT b integer, OUT c text) LANGUAGE sql AS $$ SELECT a, 'x' $$;
CREATE FUNCTION app.f_out_only(OUT b integer) LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION app.f_inout(INOUT a integer, b text DEFAULT 'q') LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_variadic(a integer, VARIADIC rest text[]) RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$;
CREATE FUNCTION app.f_variadic_default(VARIADIC rest integer[] DEFAULT ARRAY[1, 2])
  RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION app.f_table(n integer) RETURNS TABLE (id integer, "Odd Name" text, "select" int)
  LANGUAGE sql AS $$ SELECT id, name, 1 FROM app.item LIMIT n $$;
CREATE FUNCTION app.f_setof() RETURNS SETOF app.item LANGUAGE sql AS $$ SELECT * FROM app.item $$;
CREATE FUNCTION app.f_setof_out(a integer, OUT b integer) RETURNS SETOF integer LANGUAGE sql
  AS $$ SELECT a $$;
CREATE FUNCTION app.f_setof_out2(a integer, OUT b integer, OUT c text) RETURNS SETOF record
  LANGUAGE sql AS $$ SELECT a, 'x' $$;
CREATE FUNCTION app.f_record() RETURNS SETOF record LANGUAGE sql AS $$ SELECT 1, 2 $$;
CREATE FUNCTION app.f_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE FUNCTION app.f_hidden_set() RETURNS SETOF hidden.pair LANGUAGE sql AS $$ SELECT 1, 'a' $$;
CREATE FUNCTION app.f_def_text(a integer, b text DEFAULT 'x') RETURNS text LANGUAGE sql AS $$ SELECT b $$;
CREATE FUNCTION app.f_def_int(a integer DEFAULT -1) RETURNS int LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_num(a numeric DEFAULT 1.50) RETURNS numeric LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_now(a timestamptz DEFAULT now()) RETURNS timestamptz LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_null(a text DEFAULT NULL) RETURNS text LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_bool(a boolean DEFAULT true AND false) RETURNS boolean LANGUAGE sql
  AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_op(a integer DEFAULT 1 + 2 * 3) RETURNS int LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_cast(a varchar(5) DEFAULT 'abc'::varchar(5)) RETURNS text LANGUAGE sql
  AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_json(a jsonb DEFAULT '{"k": [1, 2]}'::jsonb) RETURNS jsonb LANGUAGE sql
  AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_enum(a app.mood DEFAULT 'happy') RETURNS app.mood LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_domain(a app.posint DEFAULT 3) RETURNS int LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_array(a text[] DEFAULT '{}') RETURNS text[] LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_case(a integer DEFAULT CASE WHEN random() > 2 THEN 1 ELSE 2 END)
  RETURNS int LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_two(a integer, b integer DEFAULT 1, c text DEFAULT 'x, y')
  RETURNS int LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_out(a integer DEFAULT 1, OUT b integer) LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_coalesce(a text DEFAULT coalesce(current_setting('x.y', true), 'z'))
  RETURNS text LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_user(a text DEFAULT current_user) RETURNS text LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION app.f_def_in(a integer DEFAULT 1) RETURNS boolean LANGUAGE sql AS $$ SELECT a IN (1, 2) $$;
CREATE FUNCTION app."F Quoted"("X" integer) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION hidden.f_overload(a integer) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION hidden.f_overload(a text) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE PROCEDURE app.p_inout(INOUT a integer) LANGUAGE plpgsql AS $$ BEGIN a := 1; END $$;
CREATE PROCEDURE app.p_modes(IN a integer, OUT b integer, INOUT c text, d text DEFAULT 'x')
  LANGUAGE plpgsql AS $$ BEGIN b := 1; END $$;
CREATE PROCEDURE app.p_none() LANGUAGE sql AS $$ SELECT 1 $$;
CREATE AGGREGATE app.agg_sum(integer) (SFUNC = int4pl, STYPE = integer);
CREATE AGGREGATE app.agg_ordered(double precision ORDER BY double precision)
  (SFUNC = ordered_set_transition, STYPE = internal, FINALFUNC = percentile_disc_final,
   FINALFUNC_EXTRA);
"""

# The server's own texts, as the functions query printed them before catalog/functiondef.py.
SERVER = """
SELECT n.nspname || '.' || p.proname || '(' ||
       CASE WHEN p.prokind <> 'p' OR p.proallargtypes IS NULL THEN oidvectortypes(p.proargtypes)
       ELSE array_to_string(ARRAY(
         SELECT format_type(u.typ, NULL)
           FROM unnest(p.proallargtypes) WITH ORDINALITY AS u(typ, ord)
          WHERE p.proargmodes[u.ord] IN ('i', 'b', 'v')
          ORDER BY u.ord), ', ') END || ')',
       pg_get_function_arguments(p.oid),
       pg_get_function_result(p.oid)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('app', 'hidden')
"""


def _check(url: str) -> dict[str, tuple[str, str | None]]:
    with connection(url, autocommit=True) as conn:
        conn.execute(SHAPES.encode())
    snap = read_snapshot(url)
    got = {f.identity: (f.arguments, f.result) for f in snap.functions}
    with connection(url) as conn:
        # the reader's search_path: pg_catalog, public and the extensions' schemas
        conn.execute("SET search_path TO pg_catalog, public")
        rows = conn.execute(SERVER).fetchall()
    expected = {str(identity): (arguments, result) for identity, arguments, result in rows}
    assert got == expected
    return got


def test_function_texts_equal_the_servers(scratch_db: str) -> None:
    got = _check(scratch_db)
    assert got["app.f_keywords(integer, text, text, integer, integer, integer, integer, integer, integer)"][
        0
    ] == (
        '"select" integer, "user" text, type text, "from" integer, "Odd Name" integer, "with space" integer, '
        '"a""b" integer, _under integer, "é" integer'
    )
    assert got["app.f_table(integer)"][1] == 'TABLE(id integer, "Odd Name" text, "select" integer)'
    assert got["app.f_def_text(integer, text)"][0] == "a integer, b text DEFAULT 'x'::text"
    assert got["app.p_modes(integer, text, text)"] == (
        "IN a integer, OUT b integer, INOUT c text, IN d text DEFAULT 'x'::text",
        None,
    )


def test_function_texts_equal_the_servers_on_postgresql_16(scratch_db_16: str) -> None:
    _check(scratch_db_16)


def test_extension_functions_equal_the_servers(scratch_db: str) -> None:
    """Every function of an extension (cstring, internal, anyelement arguments ...), read when asked."""
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(b"CREATE EXTENSION vector")
    snap = read_snapshot(scratch_db, include_extension_objects=True)
    got = {f.identity: (f.arguments, f.result) for f in snap.functions}
    with connection(scratch_db) as conn:
        conn.execute("SET search_path TO pg_catalog, public")
        rows = conn.execute(SERVER.replace("IN ('app', 'hidden')", "= 'public'")).fetchall()
    expected = {str(identity): (arguments, result) for identity, arguments, result in rows}
    assert len(expected) > 100
    assert got == expected


def test_plain_default() -> None:
    assert plain_default("({CONST :consttype 25 :constvalue 5 [ 20 0 0 0 120 ]})")
    assert plain_default("({FUNCEXPR :funcid 1299 :args <> :location -1})")
    assert not plain_default("({CASEEXPR :casetype 23 :args ({CASEWHEN :expr {CONST}})})")
    assert not plain_default("({CONST} {CONST})"[:-2])  # not one element
    assert not plain_default("{CONST :consttype 25}")  # not a List


def test_spell_without_the_server() -> None:
    names = {23: "integer", 25: "text", 2249: "record"}
    quoted = {"a": "a", "select": '"select"', "x": "x"}
    raw = RawSignature((23,), (23, 25), "i", ("a", "select"), 2249, True, None)
    with pytest.raises(KeyError):
        spell(raw, False, names, quoted)  # modes that do not match the types: the server is asked
    with pytest.raises(KeyError):
        spell(raw._replace(modes="iz"), False, names, quoted)  # a mode this module does not know
    raw = RawSignature((23, 25), (23, 25, 23), "iit", ("a", "select", "x"), 2249, True, "'q'::text")
    assert spell(raw, False, names, quoted) == (
        "integer, text",
        "a integer, \"select\" text DEFAULT 'q'::text",
        "TABLE(x integer)",
    )
    with pytest.raises(KeyError):
        spell(raw, False, {23: "integer"}, quoted)  # a type not named


def test_array_texts() -> None:
    from pgconsolidate.catalog.functiondef import oid_array, oidvector, text_array

    assert oidvector("23 25") == (23, 25) and oidvector("") == ()
    assert oid_array("{23,25}") == (23, 25) and oid_array("{}") == ()
    assert text_array('{a,"",b,"x y","a\\"b","c\\\\d","{}",é}') == (
        "a",
        "",
        "b",
        "x y",
        'a"b',
        "c\\d",
        "{}",
        "é",
    )
    assert text_array("{}") == ()
    for bad in ("a,b", "{a,NULL}", '{"a}', "{a,}", "[0:1]={a,b}", '{a"b}'):
        with pytest.raises(ValueError):
            text_array(bad)
