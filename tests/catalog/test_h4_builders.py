"""Objects the reader makes without ``__init__`` (built as plain instances, then given their class) are
ordinary frozen dataclass instances: equal to, hashed, compared, copied and pickled like ones made by
``__init__``, and still frozen."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog.model import OBJECT_KINDS, CatalogObject, Column, Function, Grant
from pgconsolidate.catalog.reader import _grants, _maker

from .schema import build


def _rebuilt(obj: CatalogObject) -> CatalogObject:
    """The same object made by its class's ``__init__``."""
    values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return type(obj)(**values)


def test_made_objects_behave_like_ones_made_by_init() -> None:
    names = ("identity", "table", "position", "type", "not_null", "default", "identity_kind", "generated",
             "collation", "comment")  # fmt: skip
    rows = [
        ("s.t.a", "s.t", 1, "integer", True, None, "always", None, None, "the key"),
        ("s.t.b", "s.t", 2, "text", False, "'x'::text", None, None, '"C"', None),
    ]
    made = _maker(Column, names)(rows, None)
    assert [type(c) for c in made] == [Column, Column]
    for column, row in zip(made, rows, strict=True):
        expected = Column(**dict(zip(names, row, strict=True)))
        assert column == expected and hash(column) == hash(expected)
        assert list(vars(column)) == list(names)  # the fields, in the query's order
        assert pickle.loads(pickle.dumps(column)) == expected
        assert copy.deepcopy(column) == expected
        assert dataclasses.replace(column, position=9) == dataclasses.replace(expected, position=9)
        with pytest.raises(dataclasses.FrozenInstanceError):
            column.position = 3  # type: ignore[misc]
    assert made[0] != made[1]


def test_array_fields_become_tuples() -> None:
    names = (*(f.name for f in dataclasses.fields(Function) if f.name != "body_hash"), "body")
    row: dict[str, Any] = {n: None for n in names}
    row.update(identity="s.f(integer)", prokind="function", arguments="a integer", result="integer",
               language="sql", volatility="volatile", strict=False, security_definer=False,
               leakproof=False, parallel="unsafe", cost="100", rows="0", config=["search_path=s"],
               body="  SELECT 1 ", owner="me")  # fmt: skip
    (made,) = _maker(Function, names)([tuple(row[n] for n in names)], None)
    assert made.config == ("search_path=s",)
    assert made.body_hash.startswith("sha256:")
    assert made == _rebuilt(made)
    row["config"] = None
    (made,) = _maker(Function, names)([tuple(row[n] for n in names)], None)
    assert made.config == ()


def test_grants_are_one_per_object_and_grantee() -> None:
    rows = [
        ("function", "s.f(integer)", "{=X/me,me=X/me}"),
        ("table", "s.t", "{me=arwdDxtm/me,anon=r*/me}"),
        ("function", "s.g()", "{=X/me,me=X/me}"),
        ("procedure", "s.p()", "{=X/me,me=X/me}"),
    ]
    grants = sorted(_grants(rows), key=lambda g: g.identity)
    assert [g.identity for g in grants] == [
        "function s.f(integer) to PUBLIC",
        "function s.f(integer) to me",
        "function s.g() to PUBLIC",
        "function s.g() to me",
        "procedure s.p() to PUBLIC",
        "procedure s.p() to me",
        "table s.t to anon",
        "table s.t to me",
    ]
    anon = grants[6]
    assert anon == Grant(identity="table s.t to anon", object_kind="table", object="s.t", grantee="anon",
                         privileges=("SELECT",), grantable=("SELECT",))  # fmt: skip
    assert all(type(g) is Grant and g == _rebuilt(g) for g in grants)


def test_every_object_read_equals_one_made_by_init(scratch_db: str) -> None:
    build(scratch_db)
    snapshot = read_snapshot(scratch_db)
    seen = 0
    for name, cls in OBJECT_KINDS.items():
        for obj in snapshot.objects(name):
            assert type(obj) is cls
            assert obj == _rebuilt(obj)
            seen += 1
    assert seen > 50
    assert pickle.loads(pickle.dumps(snapshot)) == snapshot
