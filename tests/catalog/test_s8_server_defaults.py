"""Defaults spelled by catalog/defaultdef.py equal what ``pg_get_expr`` prints, on PostgreSQL 18 and 16;
the shapes it does not spell are left to the server (None), never spelled otherwise. A function with one
default reads with the arguments ``pg_get_function_arguments`` prints, whichever spells the default."""

from __future__ import annotations

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog.defaultdef import spell_default
from pgconsolidate.db.connect import connection

TABLE = r"""
CREATE TYPE mood AS ENUM ('ok', 'bad');
CREATE SEQUENCE s1;
CREATE FUNCTION public.my_uuid() RETURNS uuid LANGUAGE sql AS $$ SELECT gen_random_uuid() $$;
CREATE TABLE t (
 a timestamptz DEFAULT now(), b uuid DEFAULT gen_random_uuid(), c text DEFAULT 'x', d varchar(10) DEFAULT 'y',
 e varchar DEFAULT 'z', f char(3) DEFAULT 'ab', g int DEFAULT 0, h int DEFAULT -5, i bigint DEFAULT 7,
 j bigint DEFAULT -7, k smallint DEFAULT 3, l boolean DEFAULT false, m boolean DEFAULT true,
 n numeric DEFAULT 1.5, o jsonb DEFAULT '{}'::jsonb, p text[] DEFAULT '{}',
 q timestamptz DEFAULT CURRENT_TIMESTAMP,
 r serial, s int DEFAULT nextval('s1'), t2 text DEFAULT 'it''s', u text DEFAULT E'back\\slash',
 v date DEFAULT CURRENT_DATE, w timestamptz DEFAULT timezone('utc', now()), x mood DEFAULT 'ok',
 y uuid DEFAULT public.my_uuid(), z double precision DEFAULT 0, aa real DEFAULT 1.5,
 ab numeric(10,2) DEFAULT 0,
 ac text DEFAULT ''::text, ad varchar(5) DEFAULT 'abcdef'::text, ae int DEFAULT 2147483647,
 af bigint DEFAULT 9223372036854775807, ag text DEFAULT 'ünï', ah timestamp DEFAULT now(),
 ai text COLLATE "C" DEFAULT 'c', aj int DEFAULT (1+2), ak interval DEFAULT '1 day', al bigint DEFAULT 0,
 an int8 DEFAULT -9223372036854775808, ao int DEFAULT -2147483648, ap smallint DEFAULT -3,
 aq numeric DEFAULT 0,
 ar float8 DEFAULT -1, as_ json DEFAULT '[]', at_ timestamptz DEFAULT clock_timestamp(),
 au double precision DEFAULT random(), av text DEFAULT current_user, aw name DEFAULT 'nm',
 ax "char" DEFAULT 'c',
 ay oid DEFAULT 0, az text DEFAULT 'a'||'b', ba timestamp DEFAULT LOCALTIMESTAMP, bb text DEFAULT timeofday(),
 bc timestamptz DEFAULT statement_timestamp(), bd timestamptz DEFAULT transaction_timestamp(),
 be timestamp DEFAULT timezone('utc'::text, now()), bf varchar(20) DEFAULT 'a "quoted" word',
 bg text DEFAULT 'tab	inside', bh text DEFAULT 'x' COLLATE "C", bi varchar(3) DEFAULT 'ab'::varchar(3),
 bj timestamptz DEFAULT CURRENT_TIMESTAMP(3), bk boolean DEFAULT (NOT false), bl int DEFAULT '12'::int
);
CREATE FUNCTION public.d_text(a text DEFAULT 'x') RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION public.d_int(a int DEFAULT -3) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION public.d_now(a timestamptz DEFAULT now()) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION public.d_bool(a int, b boolean DEFAULT true) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION public.d_numeric(a numeric DEFAULT 1.5) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION public.d_slash(a text DEFAULT E'a\\b') RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION public.d_seq(a bigint DEFAULT nextval('s1')) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION public.d_varchar(a varchar DEFAULT 'v') RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION public.d_two(a text DEFAULT 'x', b int DEFAULT 0) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
"""

# What must be spelled here (the common shapes), by column.
SPELLED = {
    "a": "now()",
    "b": "gen_random_uuid()",
    "c": "'x'::text",
    "d": "'y'::character varying",
    "g": "0",
    "h": "'-5'::integer",
    "i": "7",
    "l": "false",
    "m": "true",
    "q": "CURRENT_TIMESTAMP",
    "t2": "'it''s'::text",
    "w": "timezone('utc'::text, now())",
    "ah": "now()",
    "bf": "'a \"quoted\" word'::character varying",
}


def _trees(url: str) -> list[tuple[str, str, str]]:
    with connection(url, autocommit=True) as conn:
        conn.execute(TABLE.encode())
        conn.execute("SET search_path TO pg_catalog, public")
        rows = conn.execute(
            "SELECT a.attname, ad.adbin::text, pg_get_expr(ad.adbin, 0) FROM pg_attrdef ad "
            "JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum "
            "WHERE ad.adrelid = 'public.t'::regclass "
            "UNION ALL SELECT p.proname, p.proargdefaults::text, pg_get_expr(p.proargdefaults, 0) "
            "FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.pronargdefaults > 0"
        ).fetchall()
    return [(str(name), str(tree), str(text)) for name, tree, text in rows]


@pytest.mark.parametrize("major", [18, 16])
def test_spelled_defaults_equal_pg_get_expr(major: int, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("scratch_db" if major == 18 else "scratch_db_16")
    rows = _trees(url)
    spelled = {name: spell_default(tree) for name, tree, _ in rows}
    for name, _, text in rows:
        assert spelled[name] in (None, text), (name, spelled[name], text)
    assert {name: spelled[name] for name in SPELLED} == SPELLED
    # left to the server: numeric, jsonb, arrays, sequences, backslashes, enums, user functions, bigint
    # and name constants, operators, typmods, bytes outside ASCII
    for name in ("n", "o", "p", "s", "u", "x", "y", "af", "ag", "aj", "aw", "az", "bj", "d_two"):
        assert spelled[name] is None, name
    # a function's one default is spelled too (a one-element list)
    assert spelled["d_text"] == "'x'::text" and spelled["d_now"] == "now()" and spelled["d_bool"] == "true"


@pytest.mark.parametrize("major", [18, 16])
def test_function_arguments_with_defaults_equal_the_server(
    major: int, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("scratch_db" if major == 18 else "scratch_db_16")
    _trees(url)
    snapshot = read_snapshot(url)
    got = {f.identity.split("(", 1)[0]: f.arguments for f in snapshot.functions}
    with connection(url) as conn:
        conn.execute("SET search_path TO pg_catalog, public")
        expected = dict(
            conn.execute(
                "SELECT 'public.' || p.proname, pg_get_function_arguments(p.oid) FROM pg_proc p "
                "WHERE p.pronamespace = 'public'::regnamespace"
            ).fetchall()
        )
    assert got == expected
    assert got["public.d_text"] == "a text DEFAULT 'x'::text"
    assert got["public.d_slash"] == "a text DEFAULT 'a\\b'::text"


def test_unknown_shapes_are_none() -> None:
    assert spell_default("") is None
    assert spell_default("{CONST :consttype 25}") is None
    assert spell_default("{OPEXPR :opno 551}") is None
    # a little-endian header that does not match the length (as a big-endian server writes it)
    tree = (
        "{CONST :consttype 25 :consttypmod -1 :constcollid 100 :constlen -1 :constbyval false "
        ":constisnull false :location -1 :constvalue 5 [ 0 0 0 20 120 ]}"
    )
    assert spell_default(tree) is None
    assert spell_default(tree.replace("[ 0 0 0 20 120 ]", "[ 20 0 0 0 120 ]")) == "'x'::text"
    # an int4 whose Datum is not sign-extended little-endian
    int4 = (
        "{CONST :consttype 23 :consttypmod -1 :constcollid 0 :constlen 4 :constbyval true "
        ":constisnull false :location -1 :constvalue 4 [ 0 0 0 0 0 0 0 7 ]}"
    )
    assert spell_default(int4) is None
    assert spell_default(int4.replace("[ 0 0 0 0 0 0 0 7 ]", "[ 7 0 0 0 0 0 0 0 ]")) == "7"
