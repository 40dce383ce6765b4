"""No false "equivalent", proved field by field (session 10, H5): generated from the snapshot dataclasses
(``catalog/model.py``), so a field added later without compare support fails here.

For every attribute of every object kind, and for every kind of change its type allows (a value, None,
one element of a tuple, one more element, the order of elements), the comparison reports exactly that
object as changed and names that attribute, in both directions, in text and in JSON, and still does after
both snapshots went through a snapshot file (a field the file loses would compare equal). Objects only one
side has are reported (but for the platform's tables, compared only where both sides have them), and the
snapshot's own fields are all either compared collections or declared metadata. (The same, against a real
server, one case per attribute: tests/catalog/test_compare_kinds.py.)
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from dataclasses import fields, replace
from typing import Any

import pytest

from pgconsolidate.catalog.model import (
    BOTH_SIDES_ONLY,
    META_FIELDS,
    OBJECT_KINDS,
    CatalogObject,
    Snapshot,
)
from pgconsolidate.catalog.serialize import snapshot_from_json, snapshot_to_json
from pgconsolidate.compare import diff_snapshots
from pgconsolidate.compare.diff import ADDED, CHANGED, REMOVED, compared_collections
from pgconsolidate.compare.render import _BOOL_WORDS, text_lines, to_json

# The value types a catalog object's field may have (model.Value); a field of another type fails
# test_every_field_has_a_known_type until this test (and serialize/compare) learn it.
KNOWN_TYPES = {
    "str",
    "int",
    "bool",
    "str | None",
    "int | None",
    "tuple[str, ...]",
}


def _hints(cls: type[CatalogObject]) -> dict[str, str]:
    return {f.name: str(f.type) for f in fields(cls)}


def _base_value(cls: type[CatalogObject], name: str, hint: str) -> Any:
    """A value of the field's type, distinct per field (so that no two fields are confused)."""
    if hint.startswith("tuple"):
        return (f"{name} 1", f"{name} 2")
    if hint.startswith("str"):
        return f"{cls.__name__}.{name} text"
    if hint.startswith("int"):
        return 7
    assert hint == "bool", hint
    return False


def _changes(name: str, hint: str, value: Any) -> Iterator[tuple[str, Any]]:
    """Every kind of change the field's type allows: (label, the other value)."""
    if hint.startswith("tuple"):
        yield "an element", (value[0], value[1] + " changed")
        yield "one more element", (*value, f"{name} 3")
        yield "one fewer", value[:1]
        yield "empty", ()
        yield "the order", tuple(reversed(value))
        yield "case of an element", (value[0].upper(), value[1])
        yield "a comma inside an element", (f"{value[0]}, {value[1]}",)
    elif hint.startswith("str"):
        yield "a value", value + " changed"
        yield "a space", value + " "
        yield "past where text is cut short", value * 30 + "x"
        yield "case", value.upper()
        yield "empty", ""
    elif hint.startswith("int"):
        yield "a value", value + 1
        yield "zero", 0
        yield "negative", -value
    else:
        yield "a value", not value
    if hint.endswith("| None"):
        yield "None", None


def _sample(cls: type[CatalogObject], identity: str = "s.o") -> CatalogObject:
    values = {name: _base_value(cls, name, hint) for name, hint in _hints(cls).items() if name != "identity"}
    return cls(identity=identity, **values)


def _snapshot(collection: str, *objects: CatalogObject) -> Snapshot:
    return Snapshot(source=collection, server_version=180000, **{collection: objects})  # type: ignore[arg-type]


def _through_file(snap: Snapshot) -> Snapshot:
    return snapshot_from_json(snapshot_to_json(snap), origin="test")


def _assert_shows(line: str, name: str) -> None:
    """The text line names the attribute (or the two states of a boolean) and its two sides differ
    visibly (not only in a space at an end, or past where a long value is cut short)."""
    assert line.startswith("~ table s.o: ") or line.startswith("~ "), line
    change = line.split(": ", 1)[1]
    words = _BOOL_WORDS.get(name)
    if words is not None:
        assert change in (f"{words[0]} → {words[1]}", f"{words[1]} → {words[0]}"), line
        return
    assert change.startswith(f"{name}: "), line
    before, after = change[len(name) + 2 :].split(" → ")
    assert before.strip() != after.strip(), line


CASES = [
    pytest.param(collection, cls, name, label, other, id=f"{collection}.{name}: {label}")
    for collection, cls in OBJECT_KINDS.items()
    for name, hint in _hints(cls).items()
    if name != "identity"
    for label, other in _changes(name, hint, _base_value(cls, name, hint))
]


def test_every_field_has_a_known_type() -> None:
    for cls in OBJECT_KINDS.values():
        for f in fields(cls):
            assert str(f.type) in KNOWN_TYPES or f.name == "identity", f"{cls.__name__}.{f.name}: {f.type}"
            # a field left out of dataclass equality would be skipped by the comparison's fast path
            assert f.compare, f"{cls.__name__}.{f.name} is not compared (compare=False)"
        assert typing.get_origin(cls) is None and cls.__eq__ is not object.__eq__


def test_the_cases_cover_every_field() -> None:
    covered = {(c.values[0], c.values[2]) for c in CASES}
    every = {(col, f.name) for col, cls in OBJECT_KINDS.items() for f in fields(cls) if f.name != "identity"}
    assert covered == every


@pytest.mark.parametrize(("collection", "cls", "name", "label", "other"), CASES)
def test_a_changed_field_is_a_difference_naming_it(
    collection: str, cls: type[CatalogObject], name: str, label: str, other: Any
) -> None:
    before = _sample(cls)
    after = replace(before, **{name: other})
    assert before != after
    a, b = _snapshot(collection, before), _snapshot(collection, after)
    for x, y, direction in ((a, b, "A to B"), (b, a, "B to A")):
        for x2, y2, how in ((x, y, "read"), (_through_file(x), _through_file(y), "through a snapshot file")):
            result = diff_snapshots(x2, y2)
            assert not result.equivalent, f"{collection}.{name} ({label}, {direction}, {how}): equivalent"
            (d,) = result.differences
            assert (d.collection, d.identity, d.change) == (collection, "s.o", CHANGED)
            assert [c.name for c in d.changes] == [name], f"{direction}, {how}"
            (line,) = text_lines(result)
            _assert_shows(line, name)
            doc = json.loads(json.dumps(to_json(result)))
            (entry,) = doc["differences"]
            assert [attr["name"] for attr in entry["attributes"]] == [name]
    # --ignore leaves out the named attribute only
    assert diff_snapshots(a, b, ignore=frozenset({name})).equivalent
    others = frozenset(f.name for f in fields(cls)) - {name, "identity"}
    assert not diff_snapshots(a, b, ignore=others).equivalent


@pytest.mark.parametrize("collection", list(OBJECT_KINDS))
def test_an_object_one_side_has_is_a_difference(collection: str) -> None:
    cls = OBJECT_KINDS[collection]
    obj, kept = _sample(cls, "s.only"), _sample(cls, "s.both")
    a, b = _snapshot(collection, kept), _snapshot(collection, kept, obj)
    for x, y in ((a, b), (_through_file(a), _through_file(b))):
        added = diff_snapshots(x, y).differences
        removed = diff_snapshots(y, x).differences
        if collection in BOTH_SIDES_ONLY:  # the platform's tables: which exist is the platform's
            assert not added and not removed
            continue
        assert [(d.identity, d.change) for d in added] == [("s.only", ADDED)]
        assert [(d.identity, d.change) for d in removed] == [("s.only", REMOVED)]
    # a changed identity is another object: one removed, one added (for the platform's tables: neither)
    renamed = diff_snapshots(
        _snapshot(collection, kept), _snapshot(collection, replace(kept, identity="s.new"))
    )
    expected = set() if collection in BOTH_SIDES_ONLY else {("s.both", REMOVED), ("s.new", ADDED)}
    assert {(d.identity, d.change) for d in renamed.differences} == expected


def test_the_snapshot_fields_are_collections_or_metadata() -> None:
    """A field added to Snapshot is either a compared collection of objects (a kind of OBJECT_KINDS)
    or declared metadata (META_FIELDS), never silently neither."""
    names = {f.name for f in fields(Snapshot)}
    assert set(compared_collections()) == set(OBJECT_KINDS) == names - META_FIELDS
    assert {"source", "server_version", "scope", "bodies"} == META_FIELDS  # a new one: say why here
    for f in fields(Snapshot):
        if f.name not in META_FIELDS:
            assert f.compare
            element = typing.get_args(typing.get_type_hints(Snapshot)[f.name])[0]
            assert element is OBJECT_KINDS[f.name]


def test_a_snapshot_file_keeps_every_field() -> None:
    """Every object of every kind, with every attribute away from its default, reads back equal."""
    full = Snapshot(
        source="full",
        server_version=180000,
        **{name: (_sample(cls),) for name, cls in OBJECT_KINDS.items()},  # type: ignore[arg-type]
    )
    assert _through_file(full) == full
    for name, cls in OBJECT_KINDS.items():
        (back,) = _through_file(full).objects(name)
        assert back.attributes() == _sample(cls).attributes()


# The one place two different texts may compare equal: PostgreSQL prints an array cast on the array or on
# its elements depending on how the expression was written (compare.diff.same_expression_text). Only that
# spelling is forgiven; any other change inside an ARRAY[...] is a difference.
@pytest.mark.parametrize(
    ("before", "after", "same"),
    [
        ("(x = ANY (ARRAY['a', 'b']::text[]))", "(x = ANY (ARRAY['a'::text, 'b'::text]))", True),
        ("(x = ANY ((ARRAY['a', 'b'])::text[]))", "(x = ANY (ARRAY['a'::text, 'b'::text]))", True),
        ("(x = ANY (ARRAY['a', 'b']::text[]))", "(x = ANY (ARRAY['a'::text, 'c'::text]))", False),
        ("(x = ANY (ARRAY['a', 'b']::text[]))", "(x = ANY (ARRAY['a'::varchar, 'b'::varchar]))", False),
        ("(x = ANY (ARRAY[1, 2]::integer[]))", "(x = ANY (ARRAY[1::bigint, 2::bigint]))", False),
        ("(x = ANY (ARRAY['a', 'b']::text[]))", "(x = ALL (ARRAY['a'::text, 'b'::text]))", False),
        ("(x = ANY (ARRAY['a', 'b']::text[]))", "(x = ANY (ARRAY['a'::text, 'b'::text, 'c'::text]))", False),
        ("(x = ANY (ARRAY['a,b']::text[]))", "(x = ANY (ARRAY['a'::text, 'b'::text]))", False),
        ("(x = ANY (ARRAY['a''', 'b']::text[]))", "(x = ANY (ARRAY['a'''::text, 'b'::text]))", True),
        ("(x = ANY (ARRAY['a''', 'b']::text[]))", "(x = ANY (ARRAY['a'::text, 'b'::text]))", False),
        ("(x = ANY (ARRAY['a', 'b']::text[]))", "(y = ANY (ARRAY['a'::text, 'b'::text]))", False),
    ],
)
def test_only_where_an_array_cast_is_printed_is_forgiven(before: str, after: str, same: bool) -> None:
    from pgconsolidate.catalog.model import Policy

    a = Policy(identity="s.t.p", table="s.t", command="ALL", permissive=True, roles=(), using=before)
    b = replace(a, using=after)
    for x, y in ((a, b), (b, a)):
        result = diff_snapshots(_snapshot("policies", x), _snapshot("policies", y))
        assert result.equivalent is same, (before, after)


def _decoy(cls: type[CatalogObject]) -> CatalogObject:
    """Another object of ``cls`` with the same identity as :func:`_sample`'s and every attribute else."""
    values = {}
    for name, hint in _hints(cls).items():
        if name != "identity":
            base = _base_value(cls, name, hint)
            values[name] = (
                next(other for _, other in _changes(name, hint, base) if other != base)
                if (hint != "bool")
                else not base
            )
    return replace(_sample(cls), **values)


@pytest.mark.parametrize(("collection", "cls", "name", "label", "other"), CASES)
def test_a_change_is_seen_when_two_objects_share_an_identity(
    collection: str, cls: type[CatalogObject], name: str, label: str, other: Any
) -> None:
    """Names with dots spell one identity for two objects ("s"."a.b" and "s.a"."b" are both s.a.b): a
    change of either is still a difference, whatever their order (was: the last one by identity hid the
    other)."""
    before, decoy = _sample(cls), _decoy(cls)
    after = replace(before, **{name: other})
    if after == decoy:
        pytest.skip("the change makes it the other object")
    for a_objects, b_objects in (((before, decoy), (after, decoy)), ((decoy, before), (decoy, after))):
        a, b = _snapshot(collection, *a_objects), _snapshot(collection, *b_objects)
        if collection in BOTH_SIDES_ONLY:
            result = diff_snapshots(a, b)
            assert not result.equivalent
            continue
        for x, y in ((a, b), (b, a), (_through_file(a), _through_file(b))):
            result = diff_snapshots(x, y)
            assert not result.equivalent, (collection, name, label)
            (d,) = result.differences
            assert d.change == CHANGED and [c.name for c in d.changes] == [name]
            assert any("share the identity s.o" in n for n in result.notes)
    # unchanged, in any order: equivalent
    either_order = (_snapshot(collection, before, decoy), _snapshot(collection, decoy, before))
    assert diff_snapshots(*either_order).equivalent


def test_the_array_cast_is_forgiven_in_expressions_only() -> None:
    """A comment (free text) that differs only where an array cast is written is a difference."""
    from pgconsolidate.catalog.model import Policy

    cast_on_array = "x = ANY (ARRAY['a', 'b']::text[])"
    cast_on_items = "x = ANY (ARRAY['a'::text, 'b'::text])"
    a = Policy(identity="s.t.p", table="s.t", command="ALL", permissive=True, roles=(), comment=cast_on_array)
    b = replace(a, comment=cast_on_items)
    assert not diff_snapshots(_snapshot("policies", a), _snapshot("policies", b)).equivalent
    c, d = replace(a, using=cast_on_array), replace(a, using=cast_on_items)
    assert diff_snapshots(_snapshot("policies", c), _snapshot("policies", d)).equivalent
