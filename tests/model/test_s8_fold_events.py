"""An object's events during the fold: a tuple while it has at most one, a list from its second on (so
appends stay O(1) on objects with thousands of events), and always a tuple, in applied order, in the
folded schema, whatever path added them (create, alter, grant, comment, rename, drop with its table)."""

from __future__ import annotations

from pgconsolidate.model.fold import _Folder, fold
from pgconsolidate.model.types import Action, ObjectState

from .helpers import effects_of, schema_of


def _actions(state: ObjectState | None) -> list[tuple[str, Action]]:
    assert state is not None
    assert type(state.events) is tuple
    return [(e.ref.file, e.action) for e in state.events]


def test_events_are_tuples_in_applied_order_whatever_their_number() -> None:
    s = schema_of(
        "create table t (a int); create table u (b int);",
        "alter table t enable row level security; comment on table t is 'x';",
        "grant select on t to anon; create table if not exists t (a int);",
        "alter table t rename to t2;",
    )
    assert _actions(s.get("public.u")) == [("1.sql", Action.CREATE)]
    assert _actions(s.get("public.u.b")) == [("1.sql", Action.CREATE)]
    assert _actions(s.get("public.t")) == [
        ("1.sql", Action.CREATE),
        ("2.sql", Action.ENABLE_RLS),
        ("2.sql", Action.COMMENT),
        ("3.sql", Action.GRANT),
        ("3.sql", Action.CREATE),
        ("4.sql", Action.RENAME),
    ]
    # the renamed table has the whole history; its column moved with it (two events)
    assert _actions(s.get("public.t2"))[-1] == ("4.sql", Action.RENAME)
    assert _actions(s.get("public.t2.a")) == [("1.sql", Action.CREATE), ("4.sql", Action.RENAME)]
    for state in s.objects.values():
        assert type(state.events) is tuple


def test_an_object_with_thousands_of_events_keeps_them_all() -> None:
    create = effects_of("create table if not exists settings (k text primary key);")
    many = [e for _ in range(3000) for e in create]
    s = fold(many)
    settings = s.get("public.settings")
    assert settings is not None and settings.exists
    assert type(settings.events) is tuple and len(settings.events) == 3000
    assert all(e is create[0] for e in settings.events)


def test_a_dropped_table_gives_its_children_the_drop() -> None:
    s = schema_of("create table t (a int, b int);", "drop table t;")
    assert _actions(s.get("public.t.a")) == [("1.sql", Action.CREATE), ("2.sql", Action.DROP)]
    assert not s.exists("public.t.b")


def test_the_folder_keeps_a_lone_event_in_a_tuple_and_more_in_a_list() -> None:
    folder = _Folder()
    folder.run(effects_of("create table t (a int); alter table t enable row level security;"))
    assert type(folder.objects["public.t.a"].events) is tuple
    assert type(folder.objects["public.t"].events) is list
    s = folder.schema()
    assert type(s.objects["public.t"].events) is tuple and len(s.objects["public.t"].events) == 2


def test_replacing_one_field_equals_dataclasses_replace_for_every_detail_record() -> None:
    import dataclasses
    import pickle

    from pgconsolidate.model.fold import _replace_one

    s = schema_of(
        "create extension if not exists vector; create type mood as enum ('a', 'b');"
        " create sequence q; create table t (id bigint generated always as identity primary key,"
        " e vector(3), m mood, n text not null default 'x' check (n <> ''));"
        " create index ti on t (n); create view v as select id from t;"
        " create function f(a int default 1) returns int language sql as 'select 1';"
        " alter table t enable row level security; create policy p on t for select using (true);"
        " grant select on t to anon; comment on table t is 'c'; insert into t (n) values ('y');"
    )
    details = {type(o.detail): o.detail for o in s.objects.values() if dataclasses.is_dataclass(o.detail)}
    assert len(details) >= 8
    for detail in details.values():
        for f in dataclasses.fields(detail):
            value = "changed" if not isinstance(getattr(detail, f.name), bool) else True
            got = _replace_one(detail, f.name, value)
            want = dataclasses.replace(detail, **{f.name: value})
            assert type(got) is type(want)
            assert got == want and getattr(got, f.name) == value
            assert pickle.loads(pickle.dumps(got)) == want
