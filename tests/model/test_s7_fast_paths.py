"""The session-7 fast paths of extraction give what the general code gives.

- ``names.type_ref`` looks plain type names (one or two parts, no modifiers, array bounds or %TYPE) up
  by their strings: the result must be what ``_type_ref`` computes, for every default schema.
- ``common.choose_name`` returns at once when nothing needs truncating: the result must be what the
  truncating loop makes.
- ``effects.file_effects`` gathers a file's effects in one list: a statement that fails half way must
  leave none of its own effects behind (only the ``unmodelled`` one), as a list per statement did.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pgconsolidate.model.effects import file_effects, statement_effects
from pgconsolidate.model.extract.common import _NAMEDATALEN, choose_name
from pgconsolidate.model.names import _type_ref, type_ref
from pgconsolidate.statements.model import Statement
from pgconsolidate.statements.split import split_sql


def _type_name(*parts: str, **extra: Any) -> dict[str, Any]:
    return {"names": [{"String": {"sval": p}} for p in parts], "typemod": -1, "location": 7, **extra}


_PARTS = st.sampled_from(
    ["text", "int4", "int8", "serial", "bigserial", "vector", "uuid", "my_type", "pg_catalog", "app"]
)
_SCHEMAS = st.sampled_from(["", "public", "app", "extensions", "pg_catalog"])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(_PARTS, min_size=1, max_size=3), schema=_SCHEMAS, array=st.booleans())
def test_type_ref_matches_the_general_computation(parts: list[str], schema: str, array: bool) -> None:
    extra: dict[str, Any] = {"arrayBounds": [{"Integer": {"ival": -1}}]} if array else {}
    tn = _type_name(*parts, **extra)
    # twice: the first call fills the cache, the second reads it
    assert type_ref(tn, schema) == _type_ref(tn, schema)
    assert type_ref(tn, schema) == _type_ref(tn, schema)


def test_type_ref_cache_depends_on_the_default_schema() -> None:
    tn = _type_name("my_type")
    assert type_ref(tn, "app")[0].schema == "app"
    assert type_ref(tn, "other")[0].schema == "other"
    one, two = _type_name("int8"), _type_name("pg_catalog", "int8")
    assert type_ref(one)[0].name == type_ref(two)[0].name == "bigint"
    assert type_ref(_type_name("serial"))[1] is True  # the serial flag survives the cache
    assert type_ref(_type_name("serial"))[1] is True
    assert type_ref(_type_name("pg_catalog", "serial"))[1] is False


def test_type_ref_keeps_modifiers_and_pct_type_apart() -> None:
    plain = type_ref(_type_name("vector"))[0]
    sized = type_ref(_type_name("vector", typmods=[{"A_Const": {"ival": {"ival": 3}}}]))[0]
    assert plain.display == "vector" and sized.display == "vector(3)"
    pct = type_ref(_type_name("t", "c", pct_type=True))[0]
    assert pct.name == "t.c%TYPE"


def _slow_choose_name(table: str, columns: list[str], suffix: str) -> str:
    """The truncating loop alone (what choose_name did before its fast path)."""
    label = "_".join(c for c in columns if c)
    name1, name2 = table, label
    avail = _NAMEDATALEN - (len(suffix) + 1 + (1 if name2 else 0))
    while len(name1.encode()) + len(name2.encode()) > avail:
        if len(name1.encode()) > len(name2.encode()):
            name1 = name1.encode()[:-1].decode("utf-8", "ignore")
        else:
            name2 = name2.encode()[:-1].decode("utf-8", "ignore")
    return f"{name1}_{name2}_{suffix}" if name2 else f"{name1}_{suffix}"


_NAME = st.text(alphabet=st.sampled_from("abcxyz_9éß€"), min_size=0, max_size=45)


_SUFFIX = st.sampled_from(["key", "fkey", "seq", "idx"])


@settings(max_examples=400, deadline=None)
@given(table=_NAME, columns=st.lists(_NAME, max_size=3), suffix=_SUFFIX)
def test_choose_name_matches_the_truncating_loop(table: str, columns: list[str], suffix: str) -> None:
    assert choose_name(table, columns, suffix) == _slow_choose_name(table, columns, suffix)


def test_choose_name_examples() -> None:
    assert choose_name("memories", ["user_id"], "fkey") == "memories_user_id_fkey"
    assert choose_name("memories", [], "pkey") == "memories_pkey"
    long = "t" * 40
    assert len(choose_name(long, ["c" * 40], "key").encode()) <= _NAMEDATALEN
    assert choose_name("é" * 30, ["é" * 5], "idx") == _slow_choose_name("é" * 30, ["é" * 5], "idx")


def test_a_statement_failing_half_way_leaves_only_its_unmodelled_effect() -> None:
    sql = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n"
    fs = split_sql("f.sql", sql)
    good_a, bad, good_c = fs.statements
    # b's column carries constraints that are not a list: the handler fails after adding the table
    node = {"CreateStmt": dict(bad.node["CreateStmt"])}
    elts = node["CreateStmt"]["tableElts"]
    node["CreateStmt"]["tableElts"] = [{"ColumnDef": {**elts[0]["ColumnDef"], "constraints": 5}}]
    broken = Statement(
        bad.file, bad.index, bad.line, bad.column, bad.end_line, bad.start, bad.end, bad.text, bad.kind, node
    )
    effects = file_effects([good_a, broken, good_c], "f.sql")
    alone = statement_effects(broken)
    assert [(e.action, e.id) for e in alone] == [("dynamic", "unmodelled")]
    assert [(e.action.value, e.id) for e in effects] == [
        ("create", "public.a"),
        ("create", "public.a.id"),
        ("dynamic", "unmodelled"),
        ("create", "public.c"),
        ("create", "public.c.id"),
    ]
    assert effects[2] == alone[0]
