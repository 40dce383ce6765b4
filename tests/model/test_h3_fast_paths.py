"""The session-6 speed changes of splitting, extraction and the fold give what the general code gives."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from pgconsolidate.model.fold import _replace, _replace_one
from pgconsolidate.model.names import names, sval, type_ref
from pgconsolidate.model.texthash import layout_hash
from pgconsolidate.model.types import ColumnDef, FunctionDef, TableDef, TypeRef
from pgconsolidate.statements.split import _IGNORE, _rules, split_sql

from .helpers import effects_of


def _function(sql: str) -> FunctionDef:
    (e,) = [e for e in effects_of(sql) if isinstance(e.detail, FunctionDef)]
    assert isinstance(e.detail, FunctionDef)
    return e.detail


def test_body_hash_is_computed_from_the_body_and_is_not_a_field() -> None:
    d = _function("create function f() returns int language sql as $$ select 1 -- one\n $$")
    assert "body_hash" not in {f.name for f in dataclasses.fields(FunctionDef)}
    assert d.body_hash == layout_hash(d.body) == layout_hash("SELECT   1")
    other = _function("create function f() returns int language sql as $$ select 2 $$")
    assert d.body_hash != other.body_hash and d != other


_CASES = ("pgconsolidate", "PGConsolidate", "PGCONSOLIDATE", "pgConsolidate")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["select 1;", "select 2; ", "\n", "  ", "-- c\n", "/* x */", "select 'é';"]),
            st.builds(
                lambda case, gap, rule: f"--{gap}{case}:{gap}ignore {rule}\n",
                st.sampled_from(_CASES),
                st.sampled_from(["", " ", "\t", "  "]),
                st.sampled_from(["a", "b, c", ""]),
            ),
        ),
        max_size=10,
    )
)
def test_ignores_match_the_comments_before_each_statement(pieces: list[str]) -> None:
    """Whatever the case and spacing of ``-- pgconsolidate: ignore``, the prefilter lets it through."""
    text = "".join(pieces)
    fs = split_sql("f.sql", text)
    prev_end = 0
    for s in fs.statements:
        expected: set[str] = set()
        for m in _IGNORE.finditer(text[prev_end : s.start]):
            expected |= _rules(m["rules"])
        assert s.ignores == expected
        prev_end = text.index(";", s.end) + 1 if ";" in text[s.end :] else len(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["select 1", "select 2", ";", " ", "\n", "-- c\n", "é"]), max_size=12))
def test_columns_of_statements_that_do_not_begin_a_line(pieces: list[str]) -> None:
    text = "".join(pieces)
    for s in split_sql("f.sql", text, first_line=3).statements:
        before = text[: s.start]
        assert (s.line, s.column) == (3 + before.count("\n"), s.start - (before.rfind("\n") + 1) + 1)


def _string_nodes(parts: list[str]) -> list[dict[str, dict[str, str]]]:
    return [{"String": {"sval": p}} for p in parts]


def test_names_and_type_refs_of_one_two_and_three_parts() -> None:
    for parts in (["text"], ["pg_catalog", "int8"], ["db", "app", "t"], []):
        assert names(_string_nodes(parts)) == parts
        assert names({"List": {"items": _string_nodes(parts)}}) == parts
    assert names([{"Integer": {"ival": 3}}, {"String": {"sval": "x"}}]) == ["3", "x"]
    assert names([{"Integer": {"ival": 3}}]) == [sval({"Integer": {"ival": 3}})]
    t, serial = type_ref({"names": _string_nodes(["pg_catalog", "int8"])}, "app")
    assert (t.name, t.schema, serial) == ("bigint", "", False)
    mood = {"names": _string_nodes(["app", "mood"]), "arrayBounds": [{"Integer": {"ival": -1}}]}
    t, _ = type_ref(mood, "x")
    assert (t.display, t.signature) == ("app.mood[]", "app.mood[]")
    t, _ = type_ref({"names": _string_nodes(["a", "b", "c"])}, "x")
    assert t.name == "c" and t.schema == "b"


def test_signature_is_the_qualified_name_with_array_brackets() -> None:
    for t in (
        TypeRef("text"),
        TypeRef("vector", "extensions", ("3",)),
        TypeRef("mood", "app", (), 2),
        TypeRef("integer", "public", (), 1),
        TypeRef("x", "pg_catalog"),
    ):
        assert t.signature == t.qualified_name + "[]" * t.array_dims


def test_replace_one_is_replace_of_one_field() -> None:
    col = ColumnDef("public.t", "a", TypeRef("text"))
    assert _replace_one(col, "not_null", True) == _replace(col, not_null=True)
    assert type(_replace_one(col, "not_null", True)) is ColumnDef
    table = TableDef("public", "t")
    assert _replace_one(table, "rls", True) == dataclasses.replace(table, rls=True)
