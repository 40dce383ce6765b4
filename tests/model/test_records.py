"""The model's record machinery: faster frozen-dataclass constructors and lazily computed body references."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from pgconsolidate.model.effects import file_effects
from pgconsolidate.model.types import NO_REFS, ColumnDef, Effect, FunctionDef, RoutineRefs, TypeRef
from pgconsolidate.statements.records import fast_init
from pgconsolidate.statements.split import split_sql


def test_fast_init_keeps_parameters_defaults_and_frozenness() -> None:
    @dataclasses.dataclass(frozen=True)
    class Plain:
        a: int
        b: str = "x"
        c: tuple[str, ...] = ()

    @fast_init
    @dataclasses.dataclass(frozen=True)
    class Fast:
        a: int
        b: str = "x"
        c: tuple[str, ...] = ()

    assert vars(Fast(1)) == vars(Plain(1)) == {"a": 1, "b": "x", "c": ()}
    assert vars(Fast(1, c=("y",), b="z")) == vars(Plain(1, c=("y",), b="z"))
    assert Fast(1) == Fast(1) and hash(Fast(1)) == hash(Fast(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        Fast(1).a = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        Fast()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Fast(1, d=2)  # type: ignore[call-arg]


def test_fast_init_leaves_classes_it_cannot_speed_up() -> None:
    @dataclasses.dataclass(frozen=True)
    class WithFactory:
        a: list[int] = dataclasses.field(default_factory=list)

    before = WithFactory.__init__
    assert fast_init(WithFactory).__init__ is before
    assert WithFactory().a == []


def test_model_records_use_the_fast_constructor() -> None:
    col = ColumnDef("public.t", "c", TypeRef("integer"))
    assert col == ColumnDef(table="public.t", name="c", type=TypeRef("integer"), not_null=False)
    assert Effect.__init__.__qualname__ == "Effect.__init__"


def _function(sql: str) -> FunctionDef:
    fs = split_sql("f.sql", sql)
    (effect,) = [e for e in file_effects(fs.statements, "f.sql") if isinstance(e.detail, FunctionDef)]
    assert isinstance(effect.detail, FunctionDef)
    return effect.detail


def test_routine_refs_are_computed_on_first_access_and_cached() -> None:
    fdef = _function(
        "set search_path = app;\ncreate function f() returns void language plpgsql as $$"
        " begin perform g(); execute 'select 1'; perform 1 from t; end $$;"
    )
    refs = fdef.refs
    assert refs._value is None  # nothing parsed yet
    assert fdef.uses == ("app.g(*)", "app.t") and fdef.dynamic_sql is True
    assert refs._value is not None and refs._args == ()  # cached, inputs released
    sql_fn = _function(
        "create function h(x int) returns bigint language sql as $$ select count(*) from s $$;"
    )
    assert sql_fn.uses == ("public.count(*)", "public.s") and sql_fn.dynamic_sql is False


def test_routine_refs_compare_pickle_and_print_by_value() -> None:
    sql = "create function f() returns int language plpgsql as $$ begin return (select 1 from t); end $$;"
    a, b = _function(sql), _function(sql)
    assert a == b and hash(a) == hash(b)  # equal before either is computed
    assert RoutineRefs.known(("public.t",)) == _function(sql).refs
    assert RoutineRefs.known(("public.u",)) != _function(sql).refs
    copy = pickle.loads(pickle.dumps(_function(sql)))
    assert copy == a and copy.uses == ("public.t",)
    assert "uses=('public.t',)" in repr(a)
    assert NO_REFS.uses == () and NO_REFS.dynamic is False


def test_slotted_records_keep_equality_hashing_replace_and_fields() -> None:
    col = ColumnDef("public.t", "c", TypeRef("vector", typmods=("3",)), default="x")
    assert not hasattr(col, "__dict__")  # slots: no per-instance dict
    assert [f.name for f in dataclasses.fields(col)][:3] == ["table", "name", "type"]
    moved = dataclasses.replace(col, table="public.u")
    assert moved == ColumnDef("public.u", "c", TypeRef("vector", typmods=("3",)), default="x")
    assert moved != col and hash(moved) == hash(ColumnDef("public.u", "c", col.type, default="x"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        col.name = "d"  # type: ignore[misc]
    object.__setattr__(col, "default", "y")  # what the analysis driver does to statements
    assert col.default == "y"


def test_records_pickle_as_constructor_calls_without_field_names() -> None:
    @fast_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Rec:
        alpha_field: int
        beta_field: str = "x"

    make, values = Rec(1).__reduce__()
    assert values == (1, "x") and make is Rec._record_from_fields  # type: ignore[attr-defined]
    rebuilt = make(*values)
    assert type(rebuilt) is Rec and rebuilt == Rec(1) and hash(rebuilt) == hash(Rec(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        rebuilt.alpha_field = 2  # type: ignore[misc]
    fs = split_sql(
        "f.sql", "create table t (a int primary key, b text default 'q');\ngrant select on t to anon;"
    )
    effects = tuple(file_effects(fs.statements, "f.sql"))
    data = pickle.dumps((fs, effects), protocol=5)
    assert b"statement_index" not in data and b"if_not_exists" not in data  # no field names stored
    back_fs, back_effects = pickle.loads(data)
    assert back_effects == effects and back_fs == fs
    assert [st.node for st in back_fs.statements] == [st.node for st in fs.statements]  # not compared
    assert [hash(e) for e in back_effects] == [hash(e) for e in effects]


def test_fast_init_on_slots_sets_every_field_and_default() -> None:
    @fast_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Rec:
        a: int
        b: tuple[str, ...] = ()
        c: str | None = None

    r = Rec(1, c="z")
    assert (r.a, r.b, r.c) == (1, (), "z")
    assert r == Rec(a=1, b=(), c="z") and r != Rec(2)
    with pytest.raises(TypeError):
        Rec()  # type: ignore[call-arg]


def test_builder_objects_become_the_record() -> None:
    from pgconsolidate.statements.model import Statement
    from pgconsolidate.statements.records import builder

    make = builder(Statement)
    built = make("f.sql", 0, 1, 1, 1, 0, 8, "select 1", "SelectStmt", {"SelectStmt": {}})
    built.__class__ = Statement
    plain = Statement("f.sql", 0, 1, 1, 1, 0, 8, "select 1", "SelectStmt", {"SelectStmt": {}})
    assert type(built) is Statement and built == plain and hash(built) == hash(plain)
    assert built.ignores == frozenset() and pickle.loads(pickle.dumps(built)) == plain
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.line = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        builder(ColumnDef.__mro__[-1])  # object: no slots
