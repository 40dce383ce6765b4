"""``statements.records.record``: the model's records made without the ``dataclasses`` machinery behave
as ``@fast_init @dataclass(frozen=True, slots=True[, order=True])`` did: the same equality, hash, repr,
order, pickling, fields, ``replace``, frozen errors and layout (checked against a real dataclass twin of
each record class of ``model.types``)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

import pytest

import pgconsolidate.model.types as types
from pgconsolidate.statements.records import builder, fast_init, maker, record

RECORDS = [
    cls
    for cls in vars(types).values()
    if isinstance(cls, type)
    and cls.__module__ == types.__name__
    and "__dataclass_fields__" in cls.__dict__
    and cls is not types.Schema
]


def _twin(cls: type) -> Any:
    """A real ``@fast_init @dataclass(frozen=True, slots=True)`` class with ``cls``'s fields."""
    fields = dataclasses.fields(cls)
    ns: dict[str, Any] = {"__annotations__": {f.name: f.type for f in fields}, "__module__": cls.__module__}
    for f in fields:
        if f.default is not dataclasses.MISSING:
            ns[f.name] = f.default
    plain = type(cls.__name__, (), ns)
    plain.__qualname__ = cls.__qualname__
    order = cls.__dataclass_params__.order  # type: ignore[attr-defined]
    return fast_init(dataclasses.dataclass(frozen=True, slots=True, order=order)(plain))


def _values(cls: type, salt: int) -> list[Any]:
    out: list[Any] = []
    for i, f in enumerate(dataclasses.fields(cls)):
        kind = str(f.type)
        if "int" in kind and "str" not in kind:
            out.append(salt + i)
        elif "bool" in kind:
            out.append(bool((salt + i) % 2))
        elif "tuple" in kind:
            out.append((f"t{salt}", f"u{i}"))
        else:
            out.append(f"v{salt}-{i}")
    return out


def test_every_record_class_is_covered() -> None:
    assert len(RECORDS) >= 20
    assert types.SourceRef in RECORDS and types.Effect in RECORDS and types.ObjectState in RECORDS


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_record_behaves_as_the_dataclass(cls: Any) -> None:
    twin = _twin(cls)
    assert [(f.name, f.default) for f in dataclasses.fields(cls)] == [
        (f.name, f.default) for f in dataclasses.fields(twin)
    ]
    assert cls.__slots__ == twin.__slots__ and cls.__match_args__ == twin.__match_args__
    assert not hasattr(cls, "__dict__") or "__dict__" not in dir(cls(*_values(cls, 1)))
    for salt in (1, 2):
        values = _values(cls, salt)
        a, b = cls(*values), twin(*values)
        assert repr(a) == repr(b)
        assert hash(a) == hash(b)
        assert a == cls(*values)
        assert a != cls(*_values(cls, salt + 10))
        assert a != b  # another class: never equal, as dataclasses do
        assert (a == 1) is False
        again = pickle.loads(pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL))
        assert again == a and type(again) is cls
        assert copy.copy(a) == a and copy.deepcopy(a) == a
        assert maker(cls)(*values) == a
        built = builder(cls)(*values)
        built.__class__ = cls
        assert built == a
        name = dataclasses.fields(cls)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(a, name, values[0])
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(a, name)
        changed = dataclasses.replace(a, **{name: values[0]})
        assert changed == a and changed is not a
        assert dataclasses.is_dataclass(a)
        assert dataclasses.asdict(a) == dataclasses.asdict(b)


def test_order_as_the_dataclass() -> None:
    twin = _twin(types.SourceRef)
    refs = [("b", 2, 1, 0), ("a", 9, 3, 1), ("a", 9, 2, 5), ("b", 1, 1, 1)]
    mine = sorted(types.SourceRef(*r) for r in refs)
    theirs = sorted(twin(*r) for r in refs)
    assert [repr(m) for m in mine] == [repr(t) for t in theirs]
    assert types.SourceRef("a", 1) <= types.SourceRef("a", 1) < types.SourceRef("a", 2)
    assert types.SourceRef("b", 1) >= types.SourceRef("a", 1) > types.SourceRef("a", 0)
    with pytest.raises(TypeError):
        _ = types.SourceRef("a", 1) < ("a", 1)  # type: ignore[operator]


def test_defaults_and_keywords() -> None:
    ref = types.SourceRef("f.sql", 3)
    assert (ref.column, ref.statement_index) == (1, 0)
    assert types.SourceRef(file="f.sql", line=3, statement_index=2).statement_index == 2
    with pytest.raises(TypeError):
        types.SourceRef("f.sql")  # type: ignore[call-arg]


def test_unsupported_declarations_are_refused() -> None:
    with pytest.raises(TypeError):

        @record
        class _Bad:
            a: int = 1
            b: int

    with pytest.raises(TypeError):

        @record
        class _Factory:
            a: list[int] = dataclasses.field(default_factory=list)
