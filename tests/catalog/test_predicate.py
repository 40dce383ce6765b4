"""Partial index predicates spelled in Python (catalog/predicate.py) are exactly what
``pg_get_expr(indpred, indrelid)`` prints, and the definitions around them what ``pg_get_indexdef`` prints,
for every shape, on PostgreSQL 18 and 16; the shapes Python does not model are left to the server."""

from __future__ import annotations

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog.predicate import spell_predicate
from pgconsolidate.db.connect import connection

SHAPES = """
CREATE SCHEMA "Odd Schema";
CREATE TYPE public.pair AS (a integer, b text);
CREATE TABLE "Odd Schema"."Select" (
    id integer PRIMARY KEY,
    "select" text,
    "Mixed Case" boolean,
    deleted_at timestamptz,
    active boolean,
    archived boolean,
    "from" integer,
    note text,
    p public.pair,
    n integer
);
CREATE TABLE public.plain (id integer, deleted_at timestamptz, active boolean, n integer, note text);
-- spelled in Python
CREATE INDEX s1 ON "Odd Schema"."Select" (id) WHERE deleted_at IS NULL;
CREATE INDEX s2 ON "Odd Schema"."Select" (id) WHERE "select" IS NOT NULL;
CREATE INDEX s3 ON "Odd Schema"."Select" (id) WHERE active;
CREATE INDEX s4 ON "Odd Schema"."Select" (id) WHERE NOT archived;
CREATE INDEX s5 ON "Odd Schema"."Select" (id) WHERE "Mixed Case" AND deleted_at IS NULL;
CREATE INDEX s6 ON "Odd Schema"."Select" (id) WHERE active OR archived OR "from" IS NULL;
CREATE INDEX s7 ON "Odd Schema"."Select" (id) WHERE NOT (active AND archived);
CREATE INDEX s8 ON "Odd Schema"."Select" (id) WHERE active IS TRUE;
CREATE INDEX s9 ON "Odd Schema"."Select" (id) WHERE active IS NOT FALSE AND archived IS UNKNOWN;
CREATE INDEX s10 ON "Odd Schema"."Select" (id) WHERE (active IS NOT TRUE OR archived IS FALSE)
    AND note IS NOT NULL AND "Mixed Case" IS NOT UNKNOWN IS NULL;
CREATE INDEX s11 ON "Odd Schema"."Select" (id) WHERE NOT NOT active;
CREATE INDEX s12 ON "Odd Schema"."Select" ("select") WHERE (deleted_at IS NULL) IS NOT TRUE;
CREATE UNIQUE INDEX s13 ON public.plain (id) WHERE deleted_at IS NULL AND active;
CREATE INDEX s14 ON public.plain (id, n) WHERE active;
-- left to the server
CREATE INDEX x1 ON "Odd Schema"."Select" (id) WHERE n > 0;
CREATE INDEX x2 ON "Odd Schema"."Select" (id) WHERE note = 'x';
CREATE INDEX x3 ON "Odd Schema"."Select" (id) WHERE p IS NULL;
CREATE INDEX x4 ON "Odd Schema"."Select" (id) WHERE lower(note) IS NOT NULL;
CREATE INDEX x5 ON "Odd Schema"."Select" (id) WHERE active AND n IN (1, 2);
CREATE INDEX x6 ON "Odd Schema"."Select" (id) WHERE true;
CREATE INDEX x7 ON "Odd Schema"."Select" (lower(note)) WHERE deleted_at IS NULL;
CREATE INDEX x8 ON "Odd Schema"."Select" (id DESC) WHERE deleted_at IS NULL;
CREATE INDEX x9 ON public.plain (note text_pattern_ops) WHERE active;
CREATE INDEX x10 ON "Odd Schema"."Select" (id) WHERE (p).a IS NULL;
ALTER TABLE "Odd Schema"."Select" RENAME COLUMN archived TO "Archived Now";
"""

SERVER = """
SELECT n.nspname || '.' || ic.relname, pg_get_indexdef(i.indexrelid), pg_get_expr(i.indpred, i.indrelid),
       i.indpred::text,
       ARRAY(SELECT a.attnum::int FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum > 0
              ORDER BY a.attnum),
       ARRAY(SELECT quote_ident(a.attname) FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum > 0
              ORDER BY a.attnum)
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
WHERE n.nspname IN ('public', 'Odd Schema')
"""

# Predicates Python leaves to the server (the other x... indexes have a predicate it spells, but a
# definition it does not).
UNSPELLED = {"x1", "x2", "x3", "x4", "x5", "x6", "x10"}


def _check(url: str) -> dict[str, tuple[str, str | None]]:
    with connection(url, autocommit=True) as conn:
        conn.execute(SHAPES.encode())
    snap = read_snapshot(url)
    got = {i.identity: (i.definition, i.predicate) for i in snap.indexes}
    with connection(url) as conn:
        conn.execute("SET search_path TO pg_catalog, public")
        rows = conn.execute(SERVER).fetchall()
    assert got == {str(row[0]): (row[1], row[2]) for row in rows}
    for identity, _, predicate, tree, attnums, names in rows:
        if tree is None:
            continue
        columns = {attnum: (name, 0, 0) for attnum, name in zip(attnums, names, strict=True)}
        name = str(identity).split(".", 1)[1]
        assert spell_predicate(tree, columns) == (None if name in UNSPELLED else predicate), name
    return got


def test_predicates_equal_the_servers(scratch_db: str) -> None:
    got = _check(scratch_db)
    assert got["Odd Schema.s5"][1] == '("Mixed Case" AND (deleted_at IS NULL))'
    assert got["Odd Schema.s7"][1] == '(NOT (active AND "Archived Now"))'
    assert got["public.s13"][0] == (
        "CREATE UNIQUE INDEX s13 ON public.plain USING btree (id) WHERE ((deleted_at IS NULL) AND active)"
    )


def test_predicates_equal_the_servers_on_postgresql_16(scratch_db_16: str) -> None:
    _check(scratch_db_16)


COLUMNS = {1: ("id", 23, 0), 3: ('"select"', 25, 100)}


def var(attnum: int) -> str:
    return f"{{VAR :varno 1 :varattno {attnum} :vartype 25 :vartypmod -1 :varlevelsup 0 :location -1}}"


def test_spell_predicate_shapes() -> None:
    null_test = "{NULLTEST :arg " + var(3) + " :nulltesttype 1 :argisrow false :location -1}"
    assert spell_predicate(null_test, COLUMNS) == '("select" IS NOT NULL)'
    both = "{BOOLEXPR :boolop and :args (" + var(1) + " " + null_test + ") :location -1}"
    assert spell_predicate(both, COLUMNS) == '(id AND ("select" IS NOT NULL))'
    assert spell_predicate(var(2), COLUMNS) is None  # a column that was not read
    assert spell_predicate(var(0), COLUMNS) is None  # a whole-row reference
    assert spell_predicate(null_test.replace("argisrow false", "argisrow true"), COLUMNS) is None
    const = "{CONST :consttype 16 :constlen 1 :constbyval true :constisnull false :constvalue 1 [ 1 0 ]}"
    assert spell_predicate(const, COLUMNS) is None
    assert spell_predicate("{BOOLEXPR :boolop and :args (x y)}", COLUMNS) is None  # tokens, not nodes
    assert spell_predicate("{BOOLEXPR :boolop and :args (" + var(1) + ")}", COLUMNS) is None
    assert spell_predicate(var(1)[:-1], COLUMNS) is None  # cut short
    assert spell_predicate(var(1) + " {", COLUMNS) is None  # trailing text
    assert spell_predicate("{VAR :varno 1 :varattno 1 :varlevelsup 0 :name a\\ b}", COLUMNS) is None
