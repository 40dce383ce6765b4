"""The strongest test of the fold: replay SQL on a real PostgreSQL and compare the catalog with the
model (tables + RLS flags, columns + format_type types, indexes, constraints, functions + definer,
policies, triggers, enum labels, views, sequences)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.analysis import analyze_dir
from pgconsolidate.scratch.supabase import install_supabase_base
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.statements.split import split_sql

from .replay import compare, fold_succeeded, replay

EXAMPLE_MIGRATIONS = (
    Path(__file__).resolve().parents[2] / "examples" / "ai-memory" / "supabase" / "migrations"
)

INHERITANCE_AND_MISC = """
create table events (id bigint, at timestamptz not null, payload jsonb)
  partition by range (at);
create table events_2025 partition of events for values from ('2025-01-01') to ('2026-01-01');
create table base (a int, b text default 'x');
create table child (c int) inherits (base);
create table copy (like base including all, d int);
create view v1 as select a from base;
create or replace view v1 as select a, b from base;
alter view v1 rename to v2;
create materialized view mv as select count(*) as n from base;
create index mv_n on mv (n);
alter table if exists nothere add column x int;
create schema s2; create table s2.t (a int); create table s2.u (a int);
alter table s2.u set schema public;
drop schema s2 cascade;
create type comp as (x int, y text);
create table usecomp (c comp, d comp[]);
create domain posint as integer check (value > 0);
create table usedom (p posint);
alter table base add column e serial;
create sequence myseq; alter sequence myseq rename to myseq2;
create table gen (a int, b int generated always as (a * 2) stored);
create unlogged table ul (a int);
create table q ("Mixed Case" int, "with.dot" text);
comment on column q."Mixed Case" is 'hi';
alter table q rename column "Mixed Case" to lower_case;
create function "Odd Name"(x int) returns int language sql as 'select x';
create function f_out(a int, out b int, out c text) language sql as 'select 1, ''x''';
create function f_tab(a int) returns table (b int) language sql as 'select 1';
create procedure p1(a int) language sql as 'select 1';
create aggregate myagg(int) (sfunc = int4pl, stype = int);
alter table base drop column b cascade;
alter table base rename column a to a2;
"""

CASES = {
    "inheritance-and-misc": [INHERITANCE_AND_MISC],
    "tables-and-renames": [
        "create extension if not exists vector; create type mood as enum ('a', 'b');"
        "create table t (id bigint generated always as identity primary key, e vector(1536), m mood,"
        " n serial, label varchar(20) unique, price numeric(10,2), at timestamptz default now(),"
        " tags text[], check (price > 0));"
        "create table u (id uuid primary key default gen_random_uuid(), t_id bigint references t (id));"
        "create index on t using hnsw (e vector_cosine_ops); create index t_lower on t (lower(label));"
        "create table pk2 (a int, b int, primary key (a, b)); create table pk3 (a int, b text);"
        "alter table pk3 add primary key (a); alter table pk3 add constraint b_min check (length(b) > 1);",
        "alter table t rename to things; alter table things rename column label to title;"
        "alter table things add column if not exists h halfvec(1024), alter column price type numeric(12,4);"
        "alter type mood add value 'c'; alter table u enable row level security;"
        "alter table u force row level security; alter index t_lower rename to things_lower;",
    ],
    "drops-and-cascade": [
        "create table a (id int primary key, x int unique, y int); create index ay on a (y);"
        "create table b (a_id int references a (id), z int); create view v as select id from a;"
        "create function trg() returns trigger language plpgsql as $$ begin return new; end $$;"
        "create trigger tr before insert on b for each row execute function trg();"
        "create policy p on b using (true);",
        "alter table a drop column x; drop table a cascade; drop function trg() cascade;"
        "create table a (id text);",
    ],
    "functions-and-policies": [
        "create schema app; create table app.items (id int, owner uuid);"
        "alter table app.items enable row level security;"
        "create function app.f(a text, b int default 1, out c int) returns int language sql"
        " security definer as 'select 1';"
        "create function g(x double precision[], variadic y integer[]) returns setof app.items"
        " language sql stable as 'select * from app.items';"
        'create policy "Owners read" on app.items for select to authenticated using (owner = auth.uid());'
        "create policy w on app.items as restrictive for insert to anon, authenticated with check (true);",
        "alter function app.f(text, int) security invoker; alter function g rename to h;"
        'alter policy w on app.items rename to writers; drop policy "Owners read" on app.items;'
        "create or replace function app.f(a text, b int default 1, out c int) returns int language sql"
        " security definer set search_path = '' as 'select 2';",
    ],
    "search-path-and-do": [
        "create schema app; set search_path = app, public; create table inner_t (a int);"
        "do $$ begin if not exists (select 1 from pg_type where typname = 'kind') then"
        " create type kind as enum ('x'); end if; end $$;"
        "do $$ begin execute 'create table dyn (a int)'; end $$;",
        "create table if not exists public.other (a int); create table if not exists public.other (b int);",
    ],
    "families-dropped-and-no-ops": [
        "create table parent (id int primary key, a text); create table child (b text) inherits (parent);"
        "create table p (a int, b int) partition by range (a);"
        "create table p1 partition of p for values from (0) to (10);"
        "create table p2 (a int, b int); alter table p attach partition p2 for values from (10) to (20);"
        "create table q (a int) partition by list (a); create table q1 partition of q for values in (1);",
        # a no-op CREATE TABLE IF NOT EXISTS and ADD COLUMN IF NOT EXISTS reach no partition; dropping a
        # partitioned table drops its partitions (attached ones too), CASCADE drops INHERITS children
        "create table if not exists p (a int, b int, c int); alter table p add column if not exists b int;"
        "drop table parent cascade; drop table p; create table p (a int, z int) partition by range (a);"
        "alter table if exists gone add column y int; alter table q add column w int;",
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fold_matches_a_real_replay(name: str, scratch_db: str) -> None:
    install_supabase_base(scratch_db)
    files = [split_sql(f"{i}.sql", sql) for i, sql in enumerate(CASES[name], 1)]
    ok = replay(scratch_db, files)
    total = sum(len(f.statements) for f in files)
    assert len(ok) == total, "every statement of a case must succeed"
    from pgconsolidate.model.effects import file_effects
    from pgconsolidate.model.fold import fold

    schema = fold(e for f in files for e in file_effects(f.statements, f.file))
    assert compare(schema, scratch_db).diff() == {}


def test_example_directory_matches_a_real_replay(scratch_db: str) -> None:
    """The bundled example, replayed statement by statement (failures skipped, as in the answer key):
    folding the effects of the statements that succeeded gives exactly the catalog."""
    install_supabase_base(scratch_db)
    analysis = analyze_dir(read_dir(EXAMPLE_MIGRATIONS))
    ok = replay(scratch_db, analysis.files)
    assert 0 < len(ok) < sum(len(f.statements) for f in analysis.files)
    schema = fold_succeeded(analysis, ok)
    diff = compare(schema, scratch_db).diff()
    assert diff == {}
