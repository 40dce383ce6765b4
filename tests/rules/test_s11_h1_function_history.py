"""Session 11 (H1): the function history replays only the routines that may meet another one
(``function_history._settled`` takes the others aside); the history is the replay of every routine."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pgconsolidate.model.types import ObjectKind, ObjectState, Schema
from pgconsolidate.report.analyze import directory_model
from pgconsolidate.rules.function_history import FunctionHistory, _settled, function_history, replay
from pgconsolidate.rules.registry import RuleContext

from .helpers import write_dir


def _routines(root: Path) -> tuple[Schema, list[ObjectState], dict[str, int]]:
    analysis = directory_model(root, workers=1)
    ctx = RuleContext(mdir=analysis.mdir, files=analysis.files, analysis=analysis)
    by_kind = ctx.by_kind
    routines = [*by_kind.get(ObjectKind.FUNCTION, ()), *by_kind.get(ObjectKind.PROCEDURE, ())]
    return ctx.schema, routines, ctx.file_index()


def _seen(history: FunctionHistory) -> tuple[str, str, frozenset[str]]:
    return repr(history.redefinitions), repr(history.overloads_at_create), history.live


def _sql(body: str = "SELECT 1") -> str:
    return f"RETURNS int LANGUAGE sql AS $$ {body} $$;\n"


def test_settled_routines_and_the_replayed_ones(tmp_path):
    root = write_dir(
        tmp_path / "m",
        {
            "20240101000000_a.sql": "".join(
                f"CREATE FUNCTION public.{name} {_sql()}"
                for name in ("alone()", "gone()", "over(a int)", "moved()", "twice()")
            ),
            "20240102000000_b.sql": (
                "DROP FUNCTION public.gone();\n"
                "DROP FUNCTION IF EXISTS public.back();\n"
                f"CREATE FUNCTION public.back() {_sql()}"
                f"CREATE FUNCTION public.over(a text) {_sql()}"
                "ALTER FUNCTION public.moved() RENAME TO renamed;\n"
                f"CREATE OR REPLACE FUNCTION public.twice() {_sql('SELECT 2')}"
                "GRANT EXECUTE ON FUNCTION public.alone() TO anon;\n"
            ),
        },
    )
    schema, routines, order = _routines(root)
    live, others = _settled(routines, order)
    # created once, alone of their names, never renamed: no replay (gone() is dropped after its CREATE)
    assert sorted(live) == ["public.alone()", "public.back()"]
    assert "public.gone()" not in {s.id for s in others}
    # overloads, a second definition, a rename (both identities): replayed
    assert {s.id for s in others} >= {
        "public.over(integer)",
        "public.over(text)",
        "public.twice()",
        "public.moved()",
        "public.renamed()",
    }
    history = function_history(schema, order, routines)
    assert _seen(history) == _seen(replay(routines, order))
    assert history.live == {
        "public.alone()",
        "public.back()",
        "public.over(integer)",
        "public.over(text)",
        "public.renamed()",
        "public.twice()",
    }
    assert [(new.id, old.id) for new, old in history.redefinitions] == [("public.twice()", "public.twice()")]
    assert [(new.id, [o.id for o in others]) for new, others in history.overloads_at_create] == [
        ("public.over(text)", ["public.over(integer)"])
    ]


_NAMES = st.sampled_from(["public.f", "public.g", "app.f", "app.h", "public.k"])
_ARGS = st.sampled_from(["", "int", "text", "a int DEFAULT 1"])


def _types(args: str) -> str:
    return "int" if "int" in args else args


@st.composite
def _statement(draw: st.DrawFn) -> str:
    name, args = draw(_NAMES), draw(_ARGS)
    kind = draw(st.integers(0, 9))
    if kind <= 3:
        replace = draw(st.sampled_from(["", "OR REPLACE "]))
        returns = draw(st.sampled_from(["int", "text"]))
        body = "SELECT 1" if returns == "int" else "SELECT 'x'"
        extra = draw(st.sampled_from(["", " SECURITY DEFINER", " STABLE"]))
        return (
            f"CREATE {replace}FUNCTION {name}({args}) RETURNS {returns} LANGUAGE sql{extra} AS $$ {body} $$;"
        )
    if kind == 4:
        return f"DROP FUNCTION {draw(st.sampled_from(['', 'IF EXISTS ']))}{name}({_types(args)});"
    if kind == 5:
        return f"DROP FUNCTION IF EXISTS {name};"
    if kind == 6:
        new = draw(_NAMES).split(".")[1]
        return f"ALTER FUNCTION {name}({_types(args)}) RENAME TO {new};"
    if kind == 7:
        return (
            f"ALTER FUNCTION {name}({_types(args)}) {draw(st.sampled_from(['SECURITY DEFINER', 'STABLE']))};"
        )
    if kind == 8:
        return f"GRANT EXECUTE ON FUNCTION {name}({_types(args)}) TO anon;"
    return f"ALTER FUNCTION {name}({_types(args)}) SET SCHEMA {draw(st.sampled_from(['public', 'app']))};"


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(_statement(), min_size=1, max_size=6), min_size=1, max_size=3))
def test_history_is_the_replay_of_every_routine(files: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_dir(
            Path(tmp) / "m",
            {
                f"2024010{i}000000_m{i}.sql": ("CREATE SCHEMA IF NOT EXISTS app;\n" if i == 0 else "")
                + "\n".join(statements)
                + "\n"
                for i, statements in enumerate(files)
            },
        )
        schema, routines, order = _routines(root)
        assert _seen(function_history(schema, order, routines)) == _seen(replay(routines, order))
