"""Index definitions spelled in Python (catalog/indexdef.py) are exactly pg_get_indexdef's, for every
shape of index; the shapes Python cannot be sure of are left to the server."""

from __future__ import annotations

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog import reader as reader_module
from pgconsolidate.catalog.indexdef import IndexSpeller, Opclass, TypeInfo, default_opclass
from pgconsolidate.db.connect import connection
from pgconsolidate.scratch import ScratchServer, throwaway_database

SHAPES = """
CREATE SCHEMA "Odd Schema";
CREATE TYPE public.mood AS ENUM ('a', 'b');
CREATE DOMAIN public.dint AS integer;
CREATE TABLE "Odd Schema"."Select" (
    "Id" integer PRIMARY KEY,
    "select" text,
    v varchar(20),
    c char(3),
    nm name,
    tags text[],
    ints integer[],
    mood public.mood,
    r int4range,
    j jsonb,
    d public.dint,
    ts timestamptz,
    u uuid,
    flag boolean,
    net cidr,
    addr inet,
    bits bit(3),
    vbits varbit,
    coll text COLLATE "C",
    f float8,
    num numeric(10, 2),
    raw bytea,
    o oid,
    rp regproc,
    renamed_from integer
);
ALTER TABLE "Odd Schema"."Select" RENAME COLUMN renamed_from TO "Renamed To";
CREATE INDEX ON "Odd Schema"."Select" ("select");
CREATE INDEX ON "Odd Schema"."Select" (v);
CREATE INDEX ON "Odd Schema"."Select" (c);
CREATE INDEX ON "Odd Schema"."Select" (nm);
CREATE INDEX ON "Odd Schema"."Select" (tags);
CREATE INDEX ON "Odd Schema"."Select" USING gin (tags);
CREATE INDEX ON "Odd Schema"."Select" USING gin (ints);
CREATE INDEX ON "Odd Schema"."Select" (mood);
CREATE INDEX ON "Odd Schema"."Select" USING hash (mood);
CREATE INDEX ON "Odd Schema"."Select" USING gist (r);
CREATE INDEX ON "Odd Schema"."Select" USING gin (j);
CREATE INDEX ON "Odd Schema"."Select" USING gin (j jsonb_path_ops);
CREATE INDEX ON "Odd Schema"."Select" (d);
CREATE INDEX ON "Odd Schema"."Select" USING brin (ts);
CREATE INDEX ON "Odd Schema"."Select" (u, flag);
CREATE INDEX ON "Odd Schema"."Select" (net);
CREATE INDEX ON "Odd Schema"."Select" USING spgist (addr);
CREATE INDEX ON "Odd Schema"."Select" USING gist (addr inet_ops);
CREATE INDEX ON "Odd Schema"."Select" (bits);
CREATE INDEX ON "Odd Schema"."Select" (vbits);
CREATE INDEX ON "Odd Schema"."Select" (coll);
CREATE INDEX ON "Odd Schema"."Select" (coll COLLATE "default");
CREATE INDEX ON "Odd Schema"."Select" ("select" COLLATE "C");
CREATE INDEX ON "Odd Schema"."Select" (f, num, raw);
CREATE INDEX ON "Odd Schema"."Select" (o);
CREATE INDEX ON "Odd Schema"."Select" (rp);
CREATE INDEX ON "Odd Schema"."Select" ("Renamed To");
CREATE INDEX ON "Odd Schema"."Select" (v text_ops);
CREATE INDEX ON "Odd Schema"."Select" (v varchar_pattern_ops);
CREATE INDEX ON "Odd Schema"."Select" ("select" text_pattern_ops);
CREATE INDEX ON "Odd Schema"."Select" USING hash (v);
CREATE INDEX ON "Odd Schema"."Select" (ts DESC);
CREATE INDEX ON "Odd Schema"."Select" (ts NULLS FIRST);
CREATE INDEX ON "Odd Schema"."Select" (ts DESC NULLS LAST);
CREATE INDEX ON "Odd Schema"."Select" (u) INCLUDE (flag);
CREATE INDEX ON "Odd Schema"."Select" (u) WITH (fillfactor = 70);
CREATE INDEX ON "Odd Schema"."Select" (lower("select"));
CREATE INDEX ON "Odd Schema"."Select" (("Id" + 1), v);
CREATE UNIQUE INDEX "Partial Select" ON "Odd Schema"."Select" (v, "Id") WHERE "select" <> 'x' AND flag;
CREATE UNIQUE INDEX ON "Odd Schema"."Select" (c) NULLS NOT DISTINCT;
CREATE INDEX ON "Odd Schema"."Select" USING gin (tags) WHERE tags IS NOT NULL;
CREATE TABLE public.plain (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email varchar(255) UNIQUE,
                           parent bigint REFERENCES public.plain (id));
CREATE INDEX plain_parent_idx ON public.plain (parent) WHERE parent IS NOT NULL;
CREATE TABLE public.parted (id integer, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE public.parted_2020 PARTITION OF public.parted FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE INDEX parted_at_idx ON public.parted (at);
CREATE MATERIALIZED VIEW public.mv AS SELECT id, email FROM public.plain;
CREATE UNIQUE INDEX mv_id_idx ON public.mv (id);
"""


@pytest.fixture(scope="module")
def shapes(scratch_server: ScratchServer):
    with throwaway_database(scratch_server) as url:
        with connection(url, autocommit=True) as conn:
            conn.execute(SHAPES.encode())
        yield url


def _server_definitions(url: str) -> dict[str, str]:
    with connection(url) as conn:
        rows = conn.execute(
            "SELECT n.nspname || '.' || c.relname, pg_get_indexdef(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('i', 'I') "
            "AND n.nspname NOT IN ('pg_catalog', 'pg_toast', 'information_schema')"
        ).fetchall()
    return {str(name): str(definition) for name, definition in rows}


def test_every_index_definition_is_pg_get_indexdef(shapes: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spelled: list[str] = []
    real = IndexSpeller.definition

    def counting(self: IndexSpeller, *args: object) -> str | None:
        result = real(self, *args)  # type: ignore[arg-type]
        if result is not None:
            spelled.append(result)
        return result

    monkeypatch.setattr(IndexSpeller, "definition", counting)
    snap = read_snapshot(shapes)
    expected = _server_definitions(shapes)
    got = {i.identity: i.definition for i in snap.indexes}
    assert got == expected
    # Python really spelled the plain ones, including binary-coercible defaults (varchar -> text_ops,
    # cidr -> inet_ops, regproc -> oid_ops), arrays, enums, ranges and partial indexes ...
    assert len(spelled) >= 25
    for fragment in ("(v)", "(net)", "(rp)", "USING gin (tags)", "(mood)", "USING gist (r)", "WHERE"):
        assert any(fragment in s for s in spelled), fragment
    # ... and left the others to the server
    for fragment in ("text_pattern_ops", "COLLATE", "DESC", "INCLUDE", "fillfactor", "lower(", "NULLS"):
        assert not any(fragment in s for s in spelled), fragment
    assert not any("(d)" in s for s in spelled)  # domain key: the server decides


def test_index_definitions_agree_on_postgresql_16(scratch_db_16: str) -> None:
    with connection(scratch_db_16, autocommit=True) as conn:
        conn.execute(SHAPES.encode())
    snap = read_snapshot(scratch_db_16)
    assert {i.identity: i.definition for i in snap.indexes} == _server_definitions(scratch_db_16)


def test_parallel_read_spells_the_same_definitions(shapes: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Columns and indexes are read by different sessions when reading in parallel."""
    monkeypatch.setattr(reader_module, "PARALLEL_FROM", 0)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "3")
    parallel = read_snapshot(shapes)
    monkeypatch.setenv("PGCONSOLIDATE_CATALOG_WORKERS", "1")
    assert parallel == read_snapshot(shapes)


def _types(**entries: TypeInfo) -> dict[int, TypeInfo]:
    return {int(k[1:]): v for k, v in entries.items()}


def test_default_opclass_follows_getdefaultopclass() -> None:
    """Exact default wins; else the one preferred binary-coercible default; else the one coercible."""
    string = TypeInfo("S", False, "b", False, None, frozenset({25, 1042}))
    text = TypeInfo("S", True, "b", False, None, frozenset())
    bpchar = TypeInfo("S", False, "b", False, None, frozenset())
    types = {1043: string, 25: text, 1042: bpchar}
    btree = 403
    opclasses = {
        1: Opclass("text_ops", btree, True, 25),
        2: Opclass("bpchar_ops", btree, True, 1042),
        3: Opclass("varchar_pattern_ops", btree, False, 25),
    }
    assert default_opclass(1043, btree, opclasses, types) == 1  # text is the preferred string type
    assert default_opclass(1042, btree, opclasses, types) == 2  # exact
    no_preferred = {1043: string, 25: bpchar, 1042: bpchar}
    assert default_opclass(1043, btree, opclasses, no_preferred) is None  # two candidates: none
    assert default_opclass(1043, 405, opclasses, types) is None  # no opclass for the method
