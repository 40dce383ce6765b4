"""Session 10's server-side changes to the catalog queries read what the straightforward queries say, on
PostgreSQL 16 and 18:

* the tables query names a partition's parent from the parents it joins (not a subquery of its own) and a
  replica identity index by two lookups (not a join);
* the indexes query joins the schema on the index's table (an index is always in its table's schema,
  moved with it).
"""

from __future__ import annotations

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.db.connect import connection

SCHEMA = """
CREATE SCHEMA app;
CREATE SCHEMA "Other Schema";
CREATE TABLE app.p (id int, at date, "Key" text) PARTITION BY RANGE (at);
CREATE TABLE "Other Schema"."P 2020" PARTITION OF app.p FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')
    PARTITION BY LIST ("Key");
CREATE TABLE public.leaf PARTITION OF "Other Schema"."P 2020" FOR VALUES IN ('a', 'b');
CREATE TABLE app.p_default PARTITION OF app.p DEFAULT;
CREATE TABLE app.base (x int);
CREATE TABLE app.child (y int) INHERITS (app.base);
CREATE TABLE app.two (z int) INHERITS (app.base, app.child);
CREATE TABLE app.r (id int NOT NULL, k int NOT NULL);
CREATE UNIQUE INDEX "R Key" ON app.r (k);
ALTER TABLE app.r REPLICA IDENTITY USING INDEX "R Key";
CREATE TABLE public.f (id int NOT NULL);
CREATE UNIQUE INDEX f_id ON public.f (id);
ALTER TABLE public.f REPLICA IDENTITY USING INDEX f_id;
CREATE TABLE public.full_ (id int);
ALTER TABLE public.full_ REPLICA IDENTITY FULL;
CREATE TABLE public.none_ (id int);
ALTER TABLE public.none_ REPLICA IDENTITY NOTHING;
CREATE TABLE "Other Schema".moved (id int PRIMARY KEY, v text);
CREATE INDEX moved_v ON "Other Schema".moved (v) WHERE v IS NOT NULL;
ALTER TABLE "Other Schema".moved SET SCHEMA app;
CREATE INDEX leaf_id ON public.leaf (id);
"""

EXPECTED_TABLES = """
SELECT n.nspname || '.' || c.relname,
       CASE WHEN c.relispartition THEN
            (SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i
               JOIN pg_class pc ON pc.oid = i.inhparent
               JOIN pg_namespace pn ON pn.oid = pc.relnamespace
              WHERE i.inhrelid = c.oid) || ' ' || pg_get_expr(c.relpartbound, c.oid)
       END,
       CASE c.relreplident WHEN 'd' THEN 'default' WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
            WHEN 'i' THEN 'index ' || (SELECT ri.relname
                                         FROM pg_index x JOIN pg_class ri ON ri.oid = x.indexrelid
                                        WHERE x.indrelid = c.oid AND x.indisreplident)
       END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('app', 'public', 'Other Schema')
"""

EXPECTED_INDEXES = """
SELECT n.nspname || '.' || ic.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
WHERE n.nspname IN ('app', 'public', 'Other Schema')
"""


@pytest.mark.parametrize("major", [16, 18])
def test_tables_and_indexes_read_as_the_plain_queries(major: int, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("scratch_db_16" if major == 16 else "scratch_db")
    with connection(url, autocommit=True) as conn:
        conn.execute(SCHEMA)
    snapshot = read_snapshot(url)
    with connection(url) as conn:
        tables = conn.execute(EXPECTED_TABLES).fetchall()
        indexes = conn.execute(EXPECTED_INDEXES).fetchall()
    got_tables = {t.identity: (t.partition_of, t.replica_identity) for t in snapshot.tables}
    assert got_tables == {str(name): (part, replident) for name, part, replident in tables}
    assert got_tables["public.leaf"] == ("Other Schema.P 2020 FOR VALUES IN ('a', 'b')", "default")
    assert got_tables["app.p_default"] == ("app.p DEFAULT", "default")
    assert got_tables["app.r"] == (None, "index R Key")
    assert got_tables["public.f"] == (None, "index f_id")
    assert got_tables["public.full_"][1] == "full"
    assert got_tables["public.none_"][1] == "nothing"
    got_indexes = {i.identity: i.definition for i in snapshot.indexes}
    assert got_indexes == {str(name): definition for name, definition in indexes}
    assert "app.moved_v" in got_indexes and "app.moved_pkey" in got_indexes
    assert got_indexes["public.leaf_id"] == "CREATE INDEX leaf_id ON public.leaf USING btree (id)"


FUNCTIONS = """
CREATE SCHEMA app;
CREATE SCHEMA "Other Schema";
CREATE FUNCTION public.f(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1';
CREATE FUNCTION app.g(text, VARIADIC int[]) RETURNS text LANGUAGE sql AS 'SELECT $1';
CREATE PROCEDURE "Other Schema".p(inout x int) LANGUAGE sql AS 'SELECT 1';
CREATE AGGREGATE app.total(int) (SFUNC = int4pl, STYPE = int, INITCOND = '0');
CREATE EXTENSION vector;  -- its functions (in public) are an extension's: left out
"""


@pytest.mark.parametrize("major", [16, 18])
def test_functions_are_those_of_the_schemas_read(major: int, request: pytest.FixtureRequest) -> None:
    """The functions query reads pg_proc from oid 16384 on (objects made after initdb): the same functions
    as every row of pg_proc in the schemas read, extension members left out."""
    url = request.getfixturevalue("scratch_db_16" if major == 16 else "scratch_db")
    with connection(url, autocommit=True) as conn:
        conn.execute(FUNCTIONS)
    got = sorted(f.identity.split("(")[0] for f in read_snapshot(url).functions)
    with connection(url) as conn:
        rows = conn.execute(
            "SELECT n.nspname || '.' || p.proname "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname IN ('public', 'app', 'Other Schema') AND NOT EXISTS (SELECT FROM pg_depend d "
            "WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')"
        ).fetchall()
    assert got == sorted(str(name) for (name,) in rows)
    assert got == ["Other Schema.p", "app.g", "app.total", "public.f"]


def _census_triggers(url: str) -> tuple[bool, int]:
    """(the census says triggers may exist, rows the triggers query returns)."""
    skip = reader_module.skipped_schemas(False)
    with connection(url) as conn, conn.transaction():
        version = conn.info.server_version
        preamble, census = reader_module._send_preamble(conn, skip)
        params = reader_module._prepared(preamble, skip, False).params
        maybe = "triggers" not in reader_module._empty_kinds(census)
        rows = conn.execute(reader_module._query("triggers", version), params).fetchall()
    return maybe, len(rows)


TRIGGER_CASES = {
    # foreign keys only: their internal triggers are not read, and the census says so
    "foreign keys": (
        "CREATE TABLE public.a (id int PRIMARY KEY); CREATE TABLE public.b (a int REFERENCES public.a);",
        False,
    ),
    "constraint trigger": (
        "CREATE TABLE public.a (id int PRIMARY KEY); CREATE TABLE public.b (a int REFERENCES public.a);"
        "CREATE FUNCTION public.tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';"
        "CREATE CONSTRAINT TRIGGER ct AFTER INSERT ON public.b DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION public.tf();",
        True,
    ),
    "constraint trigger on a partitioned table": (
        "CREATE TABLE public.p (id int) PARTITION BY LIST (id);"
        "CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES IN (1);"
        "CREATE FUNCTION public.tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';"
        "CREATE CONSTRAINT TRIGGER ct AFTER UPDATE ON public.p FOR EACH ROW EXECUTE FUNCTION public.tf();",
        True,
    ),
    "trigger on a partitioned table": (
        "CREATE TABLE public.p (id int) PARTITION BY LIST (id);"
        "CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES IN (1);"
        "CREATE FUNCTION public.tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';"
        "CREATE TRIGGER t BEFORE INSERT ON public.p FOR EACH ROW EXECUTE FUNCTION public.tf();",
        True,
    ),
}


@pytest.mark.parametrize("case", sorted(TRIGGER_CASES))
@pytest.mark.parametrize("major", [16, 18])
def test_census_tells_triggers(major: int, case: str, request: pytest.FixtureRequest) -> None:
    """The census's trigger test looks at ordinary triggers through pg_trigger's tgconstraint index and
    tells constraint triggers from pg_depend: true whenever the triggers query returns a row."""
    url = request.getfixturevalue("scratch_db_16" if major == 16 else "scratch_db")
    ddl, read = TRIGGER_CASES[case]
    with connection(url, autocommit=True) as conn:
        conn.execute(ddl)
    maybe, rows = _census_triggers(url)
    assert (rows > 0) is read
    assert maybe is read
