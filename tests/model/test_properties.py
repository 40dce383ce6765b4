"""Property tests: any sequence of DDL folds without error, children never outlive their table, and
arbitrary text never crashes the split + extraction."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgconsolidate.model.effects import file_effects
from pgconsolidate.model.fold import fold
from pgconsolidate.model.types import ObjectKind
from pgconsolidate.statements.split import split_sql

TABLES = st.sampled_from(["a", "b", "app.c"])
COLS = st.sampled_from(["x", "y", "z"])

STATEMENT = st.one_of(
    st.builds(
        lambda t, c: f"create table if not exists {t} ({c} int primary key, e vector(3))", TABLES, COLS
    ),
    st.builds(lambda t, c: f"create table {t} ({c} text)", TABLES, COLS),
    st.builds(lambda t, c: f"alter table {t} add column if not exists {c} bigint", TABLES, COLS),
    st.builds(lambda t, c: f"alter table if exists {t} drop column if exists {c} cascade", TABLES, COLS),
    st.builds(lambda t, c: f"alter table {t} rename column {c} to w", TABLES, COLS),
    st.builds(lambda t, u: f"alter table {t} rename to {u.split('.')[-1]}", TABLES, TABLES),
    st.builds(lambda t: f"drop table if exists {t} cascade", TABLES),
    st.builds(lambda t, c: f"create index on {t} ({c})", TABLES, COLS),
    st.builds(lambda t: f"create policy p on {t} using (true)", TABLES),
    st.builds(lambda t: f"create view v as select * from {t}", TABLES),
    st.builds(lambda t: f"alter table {t} enable row level security", TABLES),
    st.builds(lambda t: f"grant select on {t} to anon", TABLES),
    st.just("create or replace function f(a int) returns int language sql as 'select 1'"),
    st.just("drop function if exists f"),
    st.just("create schema if not exists app"),
    st.just("drop schema if exists app cascade"),
    st.just("create extension if not exists vector"),
    st.just("drop extension if exists vector cascade"),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(STATEMENT, min_size=1, max_size=8), min_size=1, max_size=4))
def test_any_ddl_sequence_folds_and_children_do_not_outlive_their_table(files: list[list[str]]) -> None:
    effects = []
    for i, stmts in enumerate(files):
        fs = split_sql(f"{i}.sql", ";\n".join(stmts) + ";")
        assert not fs.failures
        effects.extend(file_effects(fs.statements, fs.file))
    schema = fold(effects)
    for state in schema.objects.values():
        if state.exists and state.parent and state.kind in (ObjectKind.COLUMN, ObjectKind.POLICY):
            parent = schema.get(state.parent)
            assert parent is None or parent.exists or parent.external, (state.id, state.parent)
        assert state.events, state.id


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("create table ();,'$\"-/*\n\t0123abcxyz.:=")), max_size=200))
def test_arbitrary_text_never_crashes(text: str) -> None:
    fs = split_sql("fuzz.sql", text)
    fold(file_effects(fs.statements, fs.file))
