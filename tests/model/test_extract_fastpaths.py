"""The extractor's fast paths give what the general code gives: the positional Effect construction,
the type cache keyed on the node, the plain-list path of ``names``."""

from __future__ import annotations

import dataclasses
import pickle

import orjson
import pytest
from pglast import parser

from pgconsolidate.model import names as names_module
from pgconsolidate.model.makers import new_effect
from pgconsolidate.model.names import _type_ref, names, type_ref
from pgconsolidate.model.types import Action, Effect, ObjectKind, SourceRef, TableDef

from .helpers import effects_of

K = ObjectKind


def test_effect_fields_are_in_the_order_the_extractors_construct_them() -> None:
    # the hot handlers build Effect(...) positionally: a new or reordered field must be added there too
    assert [f.name for f in dataclasses.fields(Effect)] == [
        "action",
        "kind",
        "id",
        "ref",
        "detail",
        "new_id",
        "if_not_exists",
        "or_replace",
        "if_exists",
        "cascade",
        "uses",
        "conditional",
    ]


def _type_names(sql: str) -> list[dict[str, object]]:
    tree = orjson.loads(parser.parse_sql_json(sql))
    elts = tree["stmts"][0]["stmt"]["CreateStmt"]["tableElts"]
    return [e["ColumnDef"]["typeName"] for e in elts]


TYPES_SQL = (
    "create table t (a text, b vector(1536), c vector, d character varying(255), e numeric(10, 2),"
    " f int[], g int[][], h myschema.mytype, i mytype, j timestamptz(3), k serial, l bigserial,"
    " m pg_catalog.int8, n halfvec(1024), p interval day to second, q bit(3) [],"
    ' r "Quoted Type", s varchar)'
)


@pytest.mark.parametrize("schema", ["public", "app", ""])
def test_cached_type_refs_equal_uncached_ones(schema: str) -> None:
    for tn in _type_names(TYPES_SQL):
        expected = _type_ref(tn, schema)
        assert type_ref(tn, schema) == expected  # first lookup (fills the cache)
        assert type_ref(tn, schema) == expected  # cached


def test_percent_type_arguments_are_not_cached() -> None:
    tree = orjson.loads(parser.parse_sql_json("create function f(x t.a%type, y t.b%type) returns int as 'x'"))
    params = tree["stmts"][0]["stmt"]["CreateFunctionStmt"]["parameters"]
    x, y = (p["FunctionParameter"]["argType"] for p in params)
    assert type_ref(x)[0].name == "t.a%TYPE"
    assert type_ref(y)[0].name == "t.b%TYPE"


def test_types_that_differ_only_in_modifiers_or_array_depth_are_cached_apart() -> None:
    a, b, c, d = _type_names("create table t (a vector(3), b vector(4), c int[], d int[][])")
    assert type_ref(a)[0].display == "vector(3)"
    assert type_ref(b)[0].display == "vector(4)"
    assert type_ref(c)[0].display == "integer[]"
    assert type_ref(d)[0].display == "integer[][]"


def test_the_schema_of_an_unqualified_user_type_follows_the_search_path_despite_the_cache() -> None:
    effs = effects_of(
        "create table a (x mood);\nset search_path = app;\ncreate table b (x mood);\ncreate table c (x text);"
    )
    cols = {e.id: e.detail.type for e in effs if e.kind == "column"}
    assert cols["public.a.x"].schema == "public"
    assert cols["app.b.x"].schema == "app"
    assert cols["app.c.x"].schema == ""


def test_odd_type_nodes_are_not_cached_and_do_not_raise() -> None:
    before = len(names_module._TYPE_CACHE)
    assert type_ref({})[0].name == "unknown"
    assert type_ref({"names": [{"Integer": {"ival": 1}}]})[0].name == "1"
    assert len(names_module._TYPE_CACHE) == before


def test_names_of_a_plain_list_and_of_a_list_node() -> None:
    items = [{"String": {"sval": "public"}}, {"String": {"sval": "f"}}]
    assert names(items) == ["public", "f"]
    assert names({"List": {"items": items}}) == ["public", "f"]
    assert names([{"String": {"sval": "a"}}, {"Integer": {"ival": 2}}]) == ["a", "2"]
    assert names(None) == []
    assert names(()) == []


def test_policy_expressions_cached_across_statements_resolve_names_per_search_path() -> None:
    policy = (
        "create policy p on {t} using (exists (select 1 from members m where m.uid = auth.uid()))"
        " with check (owner = current_user);\n"
    )
    effs = effects_of(policy.format(t="a") + "set search_path = app;\n" + policy.format(t="b"))
    pols = [e for e in effs if e.kind == "policy"]
    assert [e.id for e in pols] == ["public.a.p", "app.b.p"]
    assert pols[0].uses == ("public.a", "auth.uid(*)", "public.members")
    assert pols[1].uses == ("app.b", "app.members", "auth.uid(*)")
    assert pols[0].detail.using == pols[1].detail.using
    assert pols[0].detail.with_check == "owner = CURRENT_USER"


def test_a_policy_does_not_use_its_own_table_even_when_its_expression_reads_it() -> None:
    sql = "create policy p on {t} using (id in (select id from public.a));\n"
    first, second = (e for e in effects_of(sql.format(t="a") + sql.format(t="b")) if e.kind == "policy")
    assert first.uses == ("public.a",)  # the table itself, once
    assert second.uses == ("public.b", "public.a")


def test_cached_expression_results_equal_fresh_ones() -> None:
    from pgconsolidate.model.extract import common

    sql = "create policy p on t using ((select auth.uid()) = user_id and role::text = 'admin');"
    common._EXPR_CACHE.clear()
    fresh = effects_of(sql)
    assert common._EXPR_CACHE
    assert effects_of(sql) == fresh


def test_routine_identities_built_while_reading_arguments_equal_the_records_own() -> None:
    # the handler spells the identity from the argument loop, not through FunctionDef.id's properties
    sql = """
    create function a(x int, out y text, inout z numeric(10,2), variadic w text[]) returns record as 'x';
    create function b(q vector(3), n int default 5) returns table (id bigint, s double precision) as 'x';
    create procedure c(in u uuid, out v int) language sql as 'x';
    create function d() returns setof app.thing as 'x';
    create function "Odd"(t timestamptz, "My Type"[]) returns void language plpgsql as 'begin end';
    """
    effects = [e for e in effects_of(sql) if e.kind in (K.FUNCTION, K.PROCEDURE)]
    assert len(effects) == 5
    for e in effects:
        assert e.id == e.detail.id
    assert effects[0].id == "public.a(integer, numeric, text[])"


def test_made_records_equal_constructed_ones_and_pickle_alike() -> None:
    ref = SourceRef("f.sql", 3, 1, 2)
    made = new_effect(Action.CREATE, K.TABLE, "public.t", ref, TableDef("public", "t"))
    built = Effect(Action.CREATE, K.TABLE, "public.t", ref, TableDef("public", "t"))
    assert type(made) is Effect and made == built and hash(made) == hash(built)
    assert pickle.loads(pickle.dumps(made)) == built
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.id = "x"  # type: ignore[misc]
    # keywords and defaults as the class's own __init__
    assert new_effect(Action.DROP, K.TABLE, "public.t", ref, cascade=True) == Effect(
        Action.DROP, K.TABLE, "public.t", ref, cascade=True
    )


def test_effects_made_by_the_extractors_helper_set_every_field() -> None:
    # ExtractorBase.add builds effects field by field (new_effect's body, inline): none may be missing
    for e in effects_of("drop table if exists t cascade; comment on table t is 'x'; create index i on t (a)"):
        assert type(e) is Effect
        values = {f.name: getattr(e, f.name) for f in dataclasses.fields(Effect)}
        assert Effect(**values) == e


def test_function_fields_are_in_the_order_create_function_passes_them() -> None:
    # _CreateFunctionStmt calls new_function positionally: a new or reordered field must be added there too
    from pgconsolidate.model.types import FunctionDef

    assert [f.name for f in dataclasses.fields(FunctionDef)] == [
        "schema",
        "name",
        "args",
        "returns",
        "returns_set",
        "return_type",
        "language",
        "volatility",
        "security_definer",
        "strict",
        "leakproof",
        "parallel",
        "config",
        "body",
        "is_procedure",
        "owner",
        "refs",
    ]


def test_function_options_read_directly_equal_the_general_reading() -> None:
    (e,) = effects_of(
        "create function public.f(a int, b text default 'x') returns int language 'plpgsql' stable strict"
        " leakproof security definer parallel safe set search_path = public, pg_temp"
        " as $$ begin return 1; end $$"
    )
    d = e.detail
    assert (d.language, d.volatility, d.strict, d.leakproof, d.security_definer, d.parallel) == (
        "plpgsql",
        "stable",
        True,
        True,
        True,
        "safe",
    )
    assert d.config == (("search_path", "public, pg_temp"),)
    assert e.id == "public.f(integer, text)"
    assert d.args[1].default == "'x'"


def test_a_statement_is_dispatched_on_its_node_when_its_kind_names_no_handler() -> None:
    from pgconsolidate.model.effects import statement_effects
    from pgconsolidate.statements.model import Statement
    from pgconsolidate.statements.split import split_sql

    (st,) = split_sql("f.sql", "create table public.t (id int)").statements
    odd = Statement(
        st.file, st.index, st.line, st.column, st.end_line, st.start, st.end, st.text, "", st.node
    )
    assert statement_effects(odd) == statement_effects(st)
    assert [e.id for e in statement_effects(st)] == ["public.t", "public.t.id"]
    dropped = Statement(
        st.file, st.index, st.line, st.column, st.end_line, st.start, st.end, st.text, st.kind, {}
    )
    assert statement_effects(dropped) == []
