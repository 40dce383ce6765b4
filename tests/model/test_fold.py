"""Folding effects into the final schema and timelines (pure)."""

from __future__ import annotations

from pgconsolidate.model.types import Action, ObjectKind, TypeRef

from .helpers import schema_of

K = ObjectKind


def test_create_alter_and_timeline() -> None:
    s = schema_of(
        "create table t (id int primary key, e vector(1536));",
        "alter table t alter column e type vector(768); alter table t enable row level security;",
    )
    col = s.get("public.t.e")
    assert col is not None and col.exists
    assert col.detail.type == TypeRef("vector", typmods=("768",))
    assert [(e.ref.file, e.action) for e in col.events] == [("1.sql", Action.CREATE), ("2.sql", Action.ALTER)]
    assert s.get("public.t").detail.rls  # type: ignore[union-attr]
    assert [c.name for c in s.columns("public.t")] == ["id", "e"]


def test_if_not_exists_on_existing_table_adds_nothing() -> None:
    s = schema_of("create table t (a int);", "create table if not exists t (a text, b int);")
    assert s.get("public.t.a").detail.type == TypeRef("integer")  # type: ignore[union-attr]
    assert not s.exists("public.t.b")
    assert len(s.get("public.t").events) == 2  # type: ignore[union-attr]


def test_create_or_replace_keeps_the_last_definition() -> None:
    s = schema_of(
        "create function f(a int) returns int language sql as 'select 1';",
        "create or replace function f(a int) returns int language sql security definer as 'select 2';",
    )
    f = s.get("public.f(integer)")
    assert f is not None and f.detail.security_definer and "2" in f.detail.body
    assert len(f.defined_in) == 2


def test_alter_function_config_and_security() -> None:
    s = schema_of(
        "create function f() returns int language sql security definer as 'select 1';"
        "alter function f() set search_path = public, pg_temp;",
        "alter function f() security invoker; alter function f() reset search_path;",
    )
    d = s.get("public.f()").detail  # type: ignore[union-attr]
    assert not d.security_definer and d.search_path is None


def test_rename_table_moves_children_and_keeps_history() -> None:
    s = schema_of(
        "create table a (id int primary key, x int); create index ix on a (x);"
        "create policy p on a using (true); create table c (a_id int references a (id));",
        "alter table a rename to b; alter table b rename column x to y;",
    )
    assert not s.exists("public.a") and s.exists("public.b")
    b = s.get("public.b")
    assert b is not None and [e.action for e in b.events] == [Action.CREATE, Action.RENAME]
    assert s.exists("public.b.id") and s.exists("public.b.y") and not s.exists("public.b.x")
    assert s.exists("public.b.p") and not s.exists("public.a.p")
    assert s.get("public.ix").detail.table == "public.b"  # type: ignore[union-attr]
    assert s.get("public.ix").detail.columns == ("y",)  # type: ignore[union-attr]
    assert s.get("public.c.c_a_id_fkey").detail.ref_table == "public.b"  # type: ignore[union-attr]


def test_rename_function() -> None:
    s = schema_of(
        "create function f(int) returns int language sql as 'select 1'; alter function f rename to g;"
    )
    assert s.exists("public.g(integer)") and not s.exists("public.f(integer)")


def test_drop_table_drops_children_cascade_drops_dependents() -> None:
    s = schema_of(
        "create table a (id int primary key); create index ix on a (id); create policy p on a using (true);"
        "create table c (a_id int references a (id)); create view v as select * from a;",
        "drop table a cascade;",
    )
    for oid in ("public.a", "public.a.id", "public.ix", "public.a.p", "public.a_pkey", "public.v",
                "public.c.c_a_id_fkey"):  # fmt: skip
        assert not s.exists(oid), oid
    assert s.exists("public.c") and s.exists("public.c.a_id")


def test_drop_without_cascade_keeps_other_tables_constraints() -> None:
    s = schema_of("create table a (id int primary key); create table c (x int);", "drop table a;")
    assert not s.exists("public.a.id") and s.exists("public.c.x")


def test_drop_column_drops_its_indexes_and_constraints() -> None:
    s = schema_of(
        "create table t (a int unique, b int); create index ib on t (a, b);", "alter table t drop column a;"
    )
    assert not s.exists("public.ib") and not s.exists("public.t_a_key") and s.exists("public.t.b")


def test_drop_function_without_arguments_resolves_the_only_overload() -> None:
    s = schema_of("create function f(text) returns int language sql as 'select 1';", "drop function f;")
    assert not s.exists("public.f(text)")


def test_drop_and_recreate_keeps_one_identity_with_full_history() -> None:
    s = schema_of("create table t (a int);", "drop table t;", "create table t (b int);")
    t = s.get("public.t")
    assert t is not None and t.exists
    assert [e.ref.file for e in t.events] == ["1.sql", "2.sql", "3.sql"]
    assert not s.exists("public.t.a") and s.exists("public.t.b")


def test_rls_flags_and_grants() -> None:
    s = schema_of(
        "create table t (a int); create table u (a int); alter table t enable row level security;"
        "alter table t force row level security;",
        "grant select on t to anon; grant all on all tables in schema public to service_role;"
        "revoke select on t from anon; grant execute on function f() to anon;",
    )
    t = s.get("public.t").detail  # type: ignore[union-attr]
    assert t.rls and t.force_rls
    assert ("public.t", "anon") not in s.privileges
    assert "truncate" in s.privileges[("public.u", "service_role")]
    assert len(s.grants) == 4
    f = s.get("public.f()")
    assert f is not None and f.external and not f.exists


def test_enum_labels_and_comments() -> None:
    s = schema_of(
        "create type mood as enum ('a'); alter type mood add value 'b'; comment on type mood is 'x';"
    )
    assert s.get("public.mood").detail.labels == ("a", "b")  # type: ignore[union-attr]
    assert s.comments == {"public.mood": "x"}


def test_external_objects_are_marked() -> None:
    s = schema_of("create trigger tr after insert on auth.users for each row execute function public.h();")
    assert s.exists("auth.users.tr")
    users = s.get("auth.users")
    assert users is None or users.external


def test_kinds_available() -> None:
    s = schema_of("create table t (a int); create view v as select 1;")
    assert {st.id for st in s.of_kind(K.TABLE, K.VIEW)} == {"public.t", "public.v"}


def test_extension_types_are_objects_and_go_with_the_extension() -> None:
    s = schema_of(
        "create extension if not exists vector with schema extensions; create table t (e vector(3), x int);",
        "drop extension vector cascade;",
    )
    vec = s.get("extensions.vector")
    assert vec is not None and vec.kind == K.TYPE and not vec.exists
    assert [e.ref.file for e in vec.events] == ["1.sql", "2.sql"]
    assert not s.exists("public.t.e") and s.exists("public.t.x")
    s = schema_of("create extension vector;")
    assert s.exists("public.vector") and s.exists("public.halfvec")


def test_plain_create_of_an_existing_object_changes_nothing() -> None:
    s = schema_of(
        "create table t (e vector); create function f() returns int language sql as 'select 1';",
        "create table t (e vector(1536), extra int); create function f() returns int language sql"
        " as 'select 2';",
    )
    assert s.get("public.t.e").detail.type == TypeRef("vector")  # type: ignore[union-attr]
    assert not s.exists("public.t.extra")
    assert "1" in s.get("public.f()").detail.body  # type: ignore[union-attr]
    assert len(s.get("public.t").defined_in) == 2  # type: ignore[union-attr]


def test_folded_objects_are_plain_object_states() -> None:
    """The fold builds each ObjectState in place: the result must be indistinguishable from records
    built with the constructor (type, tuple events, equality, hashing, pickling, frozenness)."""
    import dataclasses
    import pickle

    from pgconsolidate.model.types import ObjectState

    s = schema_of(
        "create table t (id int primary key);",
        "alter table t add column b text; drop table t; create table u (x int);",
    )
    for state in s.objects.values():
        assert type(state) is ObjectState and isinstance(state.events, tuple)
        rebuilt = ObjectState(**{f.name: getattr(state, f.name) for f in dataclasses.fields(state)})
        assert rebuilt == state and hash(rebuilt) == hash(state)
        assert pickle.loads(pickle.dumps(state)) == state
    t = s.get("public.t")
    assert t is not None and not t.exists and not t.external and len(t.events) == 2
    try:
        t.exists = True  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("ObjectState must stay frozen")


def test_members_reads_enum_members_as_plain_attributes() -> None:
    from pgconsolidate.model.types import members

    A = members(Action)
    assert A.CREATE is Action.CREATE and members(ObjectKind).COLUMN is ObjectKind.COLUMN


def test_attach_detach_partition_and_inherit_no_inherit() -> None:
    s = schema_of(
        "CREATE TABLE ev (id int, at date) PARTITION BY RANGE (at);\n"
        "CREATE TABLE ev_2024 (id int, at date);\n"
        "ALTER TABLE ev ATTACH PARTITION ev_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
        "ALTER TABLE ev ADD COLUMN note text;\n"
        "CREATE TABLE base (id int);\nCREATE TABLE kid (id int);\n"
        "ALTER TABLE kid INHERIT base;\nALTER TABLE base ADD COLUMN x int;\n",
    )
    part, kid = s.objects["public.ev_2024"].detail, s.objects["public.kid"].detail
    assert part.partition_of == "public.ev" and kid.inherits == ("public.base",)
    # columns added to the parent reach the partition and the child
    assert [c.name for c in s.columns("public.ev_2024")] == ["id", "at", "note"]
    assert [c.name for c in s.columns("public.kid")] == ["id", "x"]
    s = schema_of(
        "CREATE TABLE ev (id int, at date) PARTITION BY RANGE (at);\n"
        "CREATE TABLE ev_2024 (id int, at date);\n"
        "ALTER TABLE ev ATTACH PARTITION ev_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
        "ALTER TABLE ev DETACH PARTITION ev_2024;\nALTER TABLE ev ADD COLUMN z int;\n"
        "CREATE TABLE base (id int);\nCREATE TABLE kid (id int);\n"
        "ALTER TABLE kid INHERIT base;\nALTER TABLE kid NO INHERIT base;\n"
        "ALTER TABLE base ADD COLUMN y int;\n",
    )
    assert s.objects["public.ev_2024"].detail.partition_of is None
    assert s.objects["public.kid"].detail.inherits == ()
    assert [c.name for c in s.columns("public.ev_2024")] == ["id", "at"]
    assert [c.name for c in s.columns("public.kid")] == ["id"]
    # the partition's timeline shows where it was attached and detached
    actions = [e.action for e in s.objects["public.ev_2024"].events]
    assert actions == [Action.CREATE, Action.ALTER, Action.ALTER]
