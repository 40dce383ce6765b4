"""Session 9 fast paths of the model phase give what the general code gives.

- ``file_effects`` runs each statement's handler inline: the same effects, in the same order, as
  ``ExtractorBase.run_into`` statement by statement (including statements whose handler fails);
- the policy-expression cache key drops ``location`` members by split/lstrip: the same bytes as the
  regular-expression substitution it replaces;
- ``type_ref`` tests the usual type name with ``in``: an empty ``typmods``/``arrayBounds`` list present
  in a tree gives the same type as when it is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from pgconsolidate.model.effects import _Extractor, _unmodelled, file_effects
from pgconsolidate.model.extract.common import FileContext, _without_locations
from pgconsolidate.model.names import type_ref
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.statements.model import Statement
from pgconsolidate.statements.split import split_sql

EXAMPLE_MIGRATIONS = (
    Path(__file__).resolve().parents[2] / "examples" / "ai-memory" / "supabase" / "migrations"
)

_LOCATION_RE = re.compile(rb',"location":-?\d+')


def _one_by_one(statements: tuple[Statement, ...], file: str) -> list[object]:
    """What file_effects did before session 9: run_into per statement, failures unmodelled."""
    ex = _Extractor(FileContext(file))
    out: list[object] = []
    for stmt in statements:
        mark = len(out)
        try:
            ex.run_into(stmt, out)  # type: ignore[arg-type]
        except Exception:
            del out[mark:]
            out.extend(_unmodelled(stmt))
    return out


def test_file_effects_inline_matches_run_into_on_the_example() -> None:
    mdir = read_dir(EXAMPLE_MIGRATIONS)
    compared = 0
    for f in mdir.files:
        fs = split_sql(f.path, f.forward_sql, first_line=f.span_line)
        assert file_effects(fs.statements, fs.file) == _one_by_one(fs.statements, fs.file)
        compared += len(fs.statements)
    assert compared > 50


def test_file_effects_inline_keeps_search_path_and_failures() -> None:
    sql = (
        "SET search_path = app, public;\n"
        "CREATE TABLE t (id bigint PRIMARY KEY, note text DEFAULT 'x');\n"
        "CREATE POLICY p ON t FOR SELECT TO authenticated USING (id > 0);\n"
        "GRANT SELECT ON t TO anon;\n"
    )
    fs = split_sql("f.sql", sql)
    good = file_effects(fs.statements, "f.sql")
    assert good == _one_by_one(fs.statements, "f.sql")
    assert any(e.id == "app.t" for e in good)
    # a statement whose tree the handler cannot read: unmodelled, the others as before
    broken = list(fs.statements)
    bad = broken[2]
    object.__setattr__(bad, "node", {"CreatePolicyStmt": {"table": 5}})
    effects = file_effects(tuple(broken), "f.sql")
    assert effects == _one_by_one(tuple(broken), "f.sql")
    assert [e.id for e in effects if e.ref.statement_index == 2] == ["unmodelled"]


_json_values = st.recursive(
    st.one_of(st.integers(-5, 10_000), st.text(max_size=12), st.booleans(), st.none()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["location", "A_Const", "sval", "ival", "x", "loc"]), inner, max_size=4
        ),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_json_values)
def test_location_stripping_matches_the_regular_expression(value: object) -> None:
    raw = orjson.dumps(value)
    assert _without_locations(raw) == _LOCATION_RE.sub(b"", raw)


def test_location_stripping_on_a_policy_tree() -> None:
    fs = split_sql(
        "f.sql", "CREATE POLICY p ON t USING ((SELECT auth.uid()) = user_id AND x <> '\"location\":1');"
    )
    b = fs.statements[0].node["CreatePolicyStmt"]
    raw = orjson.dumps([b.get("qual"), b.get("with_check")])
    assert b'"location"' in raw
    stripped = _without_locations(raw)
    assert stripped == _LOCATION_RE.sub(b"", raw)
    assert b',"location":' not in stripped


def test_type_ref_with_empty_lists_present() -> None:
    plain = {"names": [{"String": {"sval": "pg_catalog"}}, {"String": {"sval": "int8"}}], "typemod": -1}
    with_empty = {**plain, "typmods": [], "arrayBounds": []}
    assert type_ref(with_empty, "public") == type_ref(plain, "public")
    assert type_ref(with_empty, "public")[0].display == "bigint"
