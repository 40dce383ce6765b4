"""Effects extraction: one or more cases per statement kind."""

from __future__ import annotations

import pytest

from pgconsolidate.model.types import (
    Action,
    Change,
    ColumnDef,
    ConstraintDef,
    DynamicSql,
    FunctionDef,
    GrantDef,
    IndexDef,
    InsertDef,
    ObjectKind,
    PolicyDef,
    TriggerDef,
    TypeRef,
)

from .helpers import effects_of

A = Action
K = ObjectKind


def one(sql: str, kind: ObjectKind | None = None) -> object:
    effs = [e for e in effects_of(sql) if kind is None or e.kind == kind]
    assert len(effs) == 1, effs
    return effs[0]


def test_identities_of_functions_follow_format_type() -> None:
    e = one(
        "create or replace function public.search_memories(query_text text, match_count int default 10)"
        " returns setof record language sql as 'select 1'"
    )
    assert e.id == "public.search_memories(text, integer)"  # type: ignore[attr-defined]
    e = one(
        "create function vector_search(q vector(1536), threshold float8, n integer, out id uuid)"
        " returns setof record language sql as 'select null::uuid'"
    )
    assert e.id == "public.vector_search(vector, double precision, integer)"  # type: ignore[attr-defined]
    e = one(
        "create function f(a timestamptz, b varchar(20), c float4[], d public.mood, e extensions.vector)"
        " returns void language sql as ''"
    )
    assert e.id == "public.f(timestamp with time zone, character varying, real[], mood, vector)"  # type: ignore[attr-defined]
    e = one("create function app.g(variadic xs int[], inout y text) returns text language sql as 'select y'")
    assert e.id == "app.g(integer[], text)"  # type: ignore[attr-defined]


def test_function_attributes() -> None:
    e = one(
        "create or replace function public.f(a text, b int default 5) returns table(id uuid, score real)"
        " language plpgsql security definer set search_path = public, pg_temp stable"
        " as $$ begin return query select m.id, 1.0::real from memories m where g(m.id); end $$"
    )
    d = e.detail  # type: ignore[attr-defined]
    assert isinstance(d, FunctionDef)
    assert e.action == A.CREATE_OR_REPLACE and e.or_replace  # type: ignore[attr-defined]
    assert d.security_definer and d.volatility == "stable" and d.language == "plpgsql"
    assert d.search_path == "public, pg_temp"
    assert d.returns == "TABLE(id uuid, score real)" and d.returns_set and d.return_type is None
    assert [a.default for a in d.args if a.mode == "in"] == [None, "5"]
    assert "public.memories" in d.uses and "public.g(*)" in d.uses
    assert d.body_hash


def test_body_references_include_the_tables_it_writes_to() -> None:
    """INSERT / UPDATE / DELETE targets are references too (libpg_query does not wrap them in RangeVar)."""
    e = one(
        "create function public.on_signup() returns trigger language plpgsql as $$ begin"
        " insert into public.profiles (id) values (new.id);"
        " update app.counters set n = n + 1; delete from audit_log where id = new.id;"
        " return new; end $$"
    )
    assert {"public.profiles", "app.counters", "public.audit_log"} <= set(e.detail.uses)  # type: ignore[attr-defined]
    e = one("create function public.purge() returns void language sql as 'delete from public.sessions'")
    assert "public.sessions" in e.detail.uses  # type: ignore[attr-defined]


def test_body_hash_ignores_layout_but_not_content() -> None:
    def h(body: str) -> str:
        return one(f"create function f() returns int language sql as $$ {body} $$").detail.body_hash  # type: ignore[attr-defined]

    assert h("select 1  -- one") == h("SELECT\n  1")
    assert h("select 1") != h("select 2")


@pytest.mark.parametrize(
    ("decl", "display", "dims"),
    [
        ("vector(1536)", "vector(1536)", 1536),
        ("vector", "vector", None),
        ("extensions.halfvec(1024)", "halfvec(1024)", 1024),
        ("sparsevec(30000)", "sparsevec(30000)", 30000),
        ("varchar(255)", "character varying(255)", None),
        ("numeric(10,2)", "numeric(10,2)", None),
        ("timestamptz", "timestamp with time zone", None),
        ("timestamp(3) with time zone", "timestamp(3) with time zone", None),
        ("text[]", "text[]", None),
        ("int8", "bigint", None),
        ("double precision", "double precision", None),
        ("bool", "boolean", None),
        ("char", "character(1)", None),
    ],
)
def test_column_types_print_like_format_type(decl: str, display: str, dims: int | None) -> None:
    e = one(f"create table t (c {decl})", K.COLUMN)
    t = e.detail.type  # type: ignore[attr-defined]
    assert isinstance(t, TypeRef)
    assert t.display == display
    assert t.vector_dims == dims


def test_create_table_columns_constraints_and_indexes() -> None:
    effs = effects_of(
        "create table if not exists public.memories (id uuid primary key default gen_random_uuid(),"
        " user_id uuid not null references auth.users(id) on delete cascade, n serial,"
        " kind mood, unique (user_id, kind), check (n > 0))"
    )
    by_id = {e.id: e for e in effs}
    assert by_id["public.memories"].if_not_exists
    col = by_id["public.memories.user_id"].detail
    assert isinstance(col, ColumnDef) and col.not_null
    fk = by_id["public.memories.memories_user_id_fkey"].detail
    assert isinstance(fk, ConstraintDef) and fk.ref_table == "auth.users" and fk.on_delete == "cascade"
    assert by_id["public.memories.memories_pkey"].detail.type == "primary-key"
    assert isinstance(by_id["public.memories_pkey"].detail, IndexDef)
    assert "public.memories.memories_user_id_kind_key" in by_id
    assert "public.memories.memories_n_check" in by_id
    assert by_id["public.memories_n_seq"].kind == K.SEQUENCE
    assert by_id["public.memories.n"].detail.default == "nextval('memories_n_seq'::regclass)"
    assert "public.mood" in by_id["public.memories.kind"].uses
    assert "auth.users" in by_id["public.memories.memories_user_id_fkey"].uses


def test_alter_table_subcommands() -> None:
    effs = effects_of(
        "alter table memories add column if not exists x int, alter column x type bigint using x::bigint,"
        " alter column y set default 0, alter column y drop not null, drop column if exists z cascade,"
        " add constraint c unique (x), drop constraint d, enable row level security,"
        " force row level security, owner to postgres"
    )
    got = [(e.action, e.kind, e.id) for e in effs]
    assert (A.CREATE, K.COLUMN, "public.memories.x") in got
    assert (A.ALTER, K.COLUMN, "public.memories.x") in got
    assert (A.DROP, K.COLUMN, "public.memories.z") in got
    assert (A.CREATE, K.CONSTRAINT, "public.memories.c") in got
    assert (A.DROP, K.CONSTRAINT, "public.memories.d") in got
    assert (A.ENABLE_RLS, K.TABLE, "public.memories") in got
    assert (A.FORCE_RLS, K.TABLE, "public.memories") in got
    changes = [e.detail for e in effs if isinstance(e.detail, Change)]
    assert Change("type", TypeRef("bigint")) in changes
    assert Change("default", "0") in changes and Change("not_null", False) in changes
    drop = next(e for e in effs if e.action == A.DROP and e.kind == K.COLUMN)
    assert drop.if_exists and drop.cascade


def test_renames() -> None:
    assert one("alter table a rename to b").new_id == "public.b"  # type: ignore[attr-defined]
    e = one("alter table s.a rename column x to y")
    assert (e.id, e.new_id) == ("s.a.x", "s.a.y")  # type: ignore[attr-defined]
    e = one("alter function f(int) rename to g", K.FUNCTION)
    assert (e.id, e.new_id) == ("public.f(integer)", "public.g(integer)")  # type: ignore[attr-defined]
    e = one("alter policy p on t rename to q")
    assert (e.id, e.new_id) == ("public.t.p", "public.t.q")  # type: ignore[attr-defined]
    e = one("alter table t set schema archive")
    assert (e.id, e.new_id) == ("public.t", "archive.t")  # type: ignore[attr-defined]
    e = one("alter index i rename to j")
    assert (e.kind, e.new_id) == (K.INDEX, "public.j")  # type: ignore[attr-defined]


def test_drops() -> None:
    effs = effects_of(
        "drop function if exists public.f(text, int), g cascade; drop policy if exists p on public.t;"
        " drop table a, s.b; drop type mood; drop trigger tr on t; drop index concurrently i;"
        " drop extension vector; drop schema app cascade"
    )
    got = [(e.kind, e.id, e.if_exists, e.cascade) for e in effs]
    assert (K.FUNCTION, "public.f(text, integer)", True, True) in got
    assert (K.FUNCTION, "public.g(*)", True, True) in got
    assert (K.POLICY, "public.t.p", True, False) in got
    assert (K.TABLE, "public.a", False, False) in got and (K.TABLE, "s.b", False, False) in got
    assert (K.TYPE, "public.mood", False, False) in got
    assert (K.TRIGGER, "public.t.tr", False, False) in got
    assert (K.INDEX, "public.i", False, False) in got
    assert (K.EXTENSION, "vector", False, False) in got
    assert (K.SCHEMA, "app", False, True) in got


def test_indexes() -> None:
    d = one("create index on memories using hnsw (embedding vector_cosine_ops) with (m = 16)").detail  # type: ignore[attr-defined]
    assert isinstance(d, IndexDef)
    assert (d.id, d.method, d.columns, d.opclasses, d.options) == (
        "public.memories_embedding_idx",
        "hnsw",
        ("embedding",),
        ("vector_cosine_ops",),
        (("m", "16"),),
    )
    e = one("create unique index concurrently if not exists ix on s.t (lower(a)) include (b) where b > 0")
    d = e.detail  # type: ignore[attr-defined]
    assert e.if_not_exists and d.unique and d.concurrently and d.where == "b > 0"  # type: ignore[attr-defined]
    assert d.columns == ("lower(a)",) and d.include == ("b",) and d.table == "s.t"


def test_policies() -> None:
    e = one(
        'create policy "Own rows" on memories as restrictive for update to authenticated, anon'
        " using (auth.uid() = user_id) with check (auth.uid() = user_id)"
    )
    d = e.detail  # type: ignore[attr-defined]
    assert isinstance(d, PolicyDef)
    assert d.id == "public.memories.Own rows" and d.command == "update" and not d.permissive
    assert d.roles == ("authenticated", "anon") and d.using == "auth.uid() = user_id"
    assert "public.memories" in e.uses  # type: ignore[attr-defined]
    assert one("create policy p on t using (true)").detail.roles == ("public",)  # type: ignore[attr-defined]
    effs = effects_of("alter policy p on t to authenticated using (false)")
    assert [x.detail for x in effs] == [Change("roles", ("authenticated",)), Change("using", "FALSE")]


def test_policy_expressions_compare_equal_across_layout() -> None:
    a = one("create policy p on t using (auth.uid()=user_id)").detail  # type: ignore[attr-defined]
    b = one("CREATE POLICY p ON t USING ( auth.uid()  =  user_id -- mine\n)").detail  # type: ignore[attr-defined]
    assert a == b


def test_triggers() -> None:
    e = one(
        "create trigger tr before insert or update on public.memories for each row execute function touch()"
    )
    d = e.detail  # type: ignore[attr-defined]
    assert isinstance(d, TriggerDef)
    assert (d.id, d.timing, d.events, d.for_each_row, d.function) == (
        "public.memories.tr",
        "before",
        ("insert", "update"),
        True,
        "public.touch()",
    )
    e = one("create or replace trigger tr after delete on t execute procedure s.f()")
    assert e.action == A.CREATE_OR_REPLACE and e.detail.function == "s.f()"  # type: ignore[attr-defined]


def test_grants_and_revokes() -> None:
    effs = effects_of(
        "grant select, update (a) on table t, s.u to anon, authenticated with grant option;"
        " grant execute on function f(text) to anon; revoke all on function f(text) from public;"
        " grant all on all tables in schema public to service_role; grant usage on schema app to anon"
    )
    got = [(e.action, e.kind, e.id) for e in effs]
    assert got == [
        (A.GRANT, K.TABLE, "public.t"),
        (A.GRANT, K.TABLE, "s.u"),
        (A.GRANT, K.FUNCTION, "public.f(text)"),
        (A.REVOKE, K.FUNCTION, "public.f(text)"),
        (A.GRANT, K.TABLE, "public.*"),
        (A.GRANT, K.SCHEMA, "app"),
    ]
    g = effs[0].detail
    assert isinstance(g, GrantDef)
    assert g.privileges == ("select", "update") and g.columns == ("a",) and g.grant_option
    assert effs[3].detail.revoke and effs[3].detail.grantees == ("public",)


def test_alter_function() -> None:
    effs = effects_of("alter function f(int) security definer set search_path = ''")
    assert [e.detail for e in effs] == [
        Change("security_definer", True),
        Change("add_config", ("search_path", '""')),
    ]
    effs = effects_of("alter function f(int) reset search_path; alter function f(integer) owner to postgres")
    assert effs[0].detail == Change("reset_config", "search_path")
    assert effs[1].action == A.OWNER and effs[1].id == "public.f(integer)"


def test_types_domains_sequences_views_extensions_schemas() -> None:
    effs = effects_of(
        "create extension if not exists vector with schema extensions; create schema if not exists app;"
        " create type mood as enum ('a', 'b'); alter type mood add value if not exists 'c';"
        " create type pair as (x int, y text); create domain email as text not null check (value like '%@%');"
        " create sequence s start 5; create view v as select * from t; create materialized view mv as"
        " select count(*) from t with no data; comment on table t is 'hi'; comment on column t.a is null"
    )
    got = [(e.action, e.kind, e.id) for e in effs]
    assert got == [
        (A.CREATE, K.EXTENSION, "vector"),
        (A.CREATE, K.SCHEMA, "app"),
        (A.CREATE, K.ENUM, "public.mood"),
        (A.ALTER, K.ENUM, "public.mood"),
        (A.CREATE, K.TYPE, "public.pair"),
        (A.CREATE, K.DOMAIN, "public.email"),
        (A.CREATE, K.SEQUENCE, "public.s"),
        (A.CREATE, K.VIEW, "public.v"),
        (A.CREATE, K.MATERIALIZED_VIEW, "public.mv"),
        (A.COMMENT, K.TABLE, "public.t"),
        (A.COMMENT, K.COLUMN, "public.t.a"),
    ]
    assert effs[0].detail.schema == "extensions"
    assert effs[2].detail.labels == ("a", "b")
    assert effs[7].uses == ("public.t",)
    assert not effs[8].detail.with_data
    assert effs[10].detail is None


def test_insert_reference_data() -> None:
    e = one("insert into public.models (name, dims) values ('a', 1), ('b', 2) on conflict do nothing")
    d = e.detail  # type: ignore[attr-defined]
    assert isinstance(d, InsertDef)
    assert (e.action, d.table, d.columns, d.rows, d.on_conflict) == (  # type: ignore[attr-defined]
        A.INSERT,
        "public.models",
        ("name", "dims"),
        2,
        "nothing",
    )


def test_search_path_changes_resolution_for_later_statements() -> None:
    effs = effects_of("create table a (x int); set search_path = app, public; create table b (x int)")
    tables = [e.id for e in effs if e.kind == K.TABLE]
    assert tables == ["public.a", "app.b"]


def test_do_blocks() -> None:
    effs = effects_of(
        "do $$ begin if not exists (select 1 from pg_type where typname = 'kind') then"
        " create type kind as enum ('x'); end if; execute 'create table dyn (a int)'; end $$"
    )
    got = [(e.action, e.kind, e.id, e.conditional) for e in effs]
    assert (A.CREATE, K.ENUM, "public.kind", True) in got
    assert (A.CREATE, K.TABLE, "public.dyn", True) in got
    dyn = [e for e in effs if e.action == A.DYNAMIC]
    assert len(dyn) == 1 and isinstance(dyn[0].detail, DynamicSql) and not dyn[0].detail.opaque
    effs = effects_of("do $$ begin execute format('alter table %I enable row level security', 't'); end $$")
    assert [e.detail.opaque for e in effs if e.action == A.DYNAMIC] == [True]


def test_plpgsql_body_that_does_not_parse_is_not_fatal() -> None:
    e = one("create function f() returns int language plpgsql as $$ begin retrun 1; end $$")
    assert e.detail.uses == ()  # type: ignore[attr-defined]
