"""Every action the fold handles besides CREATE: what it does to the object's detail, its timeline and
the schema's lists (``_Folder.apply_one`` dispatches on a table of action codes)."""

from __future__ import annotations

from pgconsolidate.model.types import Action

from .helpers import schema_of


def test_row_level_security_switches_in_order() -> None:
    s = schema_of(
        "create table t (a int); alter table t enable row level security;"
        "alter table t force row level security;",
        "alter table t disable row level security; alter table t no force row level security;",
    )
    t = s.get("public.t")
    assert t is not None
    assert not t.detail.rls and not t.detail.force_rls
    assert [e.action for e in t.events] == [
        Action.CREATE,
        Action.ENABLE_RLS,
        Action.FORCE_RLS,
        Action.DISABLE_RLS,
        Action.NO_FORCE_RLS,
    ]
    s2 = schema_of("create table t (a int); alter table t enable row level security;")
    assert s2.get("public.t").detail.rls and not s2.get("public.t").detail.force_rls  # type: ignore[union-attr]


def test_comments_set_and_removed() -> None:
    s = schema_of("create table t (a int); comment on table t is 'hello';")
    assert s.comments == {"public.t": "hello"}
    assert s.get("public.t").detail.comment == "hello"  # type: ignore[union-attr]
    s = schema_of("create table t (a int); comment on table t is 'hello'; comment on table t is null;")
    assert s.comments == {}
    assert s.get("public.t").detail.comment is None  # type: ignore[union-attr]


def test_alter_sets_a_field_and_edits_config() -> None:
    s = schema_of(
        "create table t (a int); alter table t alter column a set default 4;"
        "alter table t alter column a set not null;",
        "create function f() returns int language sql as 'select 1';"
        "alter function f() set search_path = public; alter function f() security definer;"
        "alter function f() owner to postgres;",
    )
    a = s.get("public.t.a")
    assert a is not None and a.detail.default == "4" and a.detail.not_null
    f = s.get("public.f()")
    assert f is not None and f.detail.security_definer
    assert dict(f.detail.config) == {"search_path": "public"}
    assert [e.action for e in f.events][-1] == Action.OWNER


def test_data_dynamic_and_refresh() -> None:
    s = schema_of(
        "create table t (a int); insert into t values (1); update t set a = 2; delete from t;truncate t;",
        "create materialized view m as select 1 as x; refresh materialized view m;",
        "do $$ begin execute 'create table x (a int)'; end $$;",
    )
    assert [e.action for e in s.data] == [Action.INSERT, Action.UPDATE, Action.DELETE, Action.TRUNCATE]
    assert len(s.dynamic) == 1
    m = s.get("public.m")
    assert m is not None and m.exists
    assert [e.action for e in m.events] == [Action.CREATE, Action.REFRESH]
