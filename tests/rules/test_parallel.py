"""The rules on two processes (``rules.parallel``): the same findings in the same order as in one process,
failures in the child reported as they are in-process, a dead child replaced, timelines built lazily."""

from __future__ import annotations

import os
from collections.abc import Iterator

import orjson
import pytest

from pgconsolidate.analysis import analyze_dir
from pgconsolidate.config import load_config
from pgconsolidate.report.document import ObjectTimelines, object_timelines
from pgconsolidate.rules.finding import Finding, Location, Severity
from pgconsolidate.rules.parallel import SHARED_INDEXES, can_fork, split_rules, start_rules
from pgconsolidate.rules.registry import Hit, RuleContext, RuleInfo, run_rules, selected_rules
from pgconsolidate.sources.reader import read_dir

from .helpers import EXAMPLE_MIGRATIONS

needs_fork = pytest.mark.skipif(not can_fork(), reason="forking the rules needs Linux and 2 cores")


@pytest.fixture(scope="module")
def ctx() -> RuleContext:
    mdir = read_dir(EXAMPLE_MIGRATIONS)
    cfg = load_config(EXAMPLE_MIGRATIONS)
    analysis = analyze_dir(mdir, keep_trees=False)
    return RuleContext(
        mdir=mdir,
        files=analysis.files,
        analysis=analysis,
        options=cfg.rules,
        settings={"exposed-schemas": cfg.exposed_schemas},
    )


def _fresh(ctx: RuleContext) -> RuleContext:
    """The same context without its cached indexes (each run computes its own)."""
    return RuleContext(
        mdir=ctx.mdir, files=ctx.files, analysis=ctx.analysis, options=ctx.options, settings=ctx.settings
    )


def _rule(rule_id: str, func: object) -> RuleInfo:
    return RuleInfo(rule_id, Severity.WARNING, "fix it", f"{rule_id} doc", func)  # type: ignore[arg-type]


@needs_fork
def test_forked_findings_equal_in_process_in_the_same_order(ctx: RuleContext) -> None:
    rules = selected_rules()
    expected = run_rules(_fresh(ctx), rules)
    assert len(expected) > 20  # the example has findings of many rules: the comparison proves something
    with start_rules(_fresh(ctx), rules, parallel=True) as run:
        assert run.pid is not None and run.own and run.child
        got = run.result()
    assert got == expected


@needs_fork
@pytest.mark.parametrize("share", ["all", "none", "odd"])
def test_any_split_gives_the_same_findings(ctx: RuleContext, share: str) -> None:
    rules = selected_rules()
    ids = [r.id for r in rules]
    child = {"all": set(ids), "none": set(), "odd": set(ids[1::2])}[share]
    expected = run_rules(_fresh(ctx), rules)
    with start_rules(_fresh(ctx), rules, parallel=True, child_share=child) as run:
        assert [r.id for r in run.child] == [i for i in ids if i in child]
        assert run.result() == expected


def _boom(ctx: RuleContext) -> Iterator[Hit]:
    raise ValueError("boom in a rule")
    yield  # pragma: no cover


@needs_fork
def test_an_exception_in_the_child_is_raised_here(ctx: RuleContext) -> None:
    rules = [*selected_rules(["version-collision"]), _rule("boom", _boom)]
    with start_rules(ctx, rules, parallel=True, child_share={"boom"}) as run:
        assert run.pid is not None
        with pytest.raises(ValueError, match="boom in a rule") as caught:
            run.result()
    assert any("child process" in note and "_boom" in note for note in caught.value.__notes__)
    assert run.pid is None  # reaped


class _Unpicklable(Exception):
    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a}/{b}")

    def __reduce__(self) -> object:
        raise TypeError("cannot pickle this")


def _unpicklable(ctx: RuleContext) -> Iterator[Hit]:
    raise _Unpicklable(1, 2)
    yield  # pragma: no cover


@needs_fork
def test_an_exception_that_does_not_pickle_still_fails_with_its_text(ctx: RuleContext) -> None:
    run = start_rules(ctx, [_rule("odd", _unpicklable)], parallel=True, child_share={"odd"})
    with run, pytest.raises(RuntimeError, match=r"_Unpicklable: 1/2"):
        run.result()


@needs_fork
def test_an_exception_in_this_process_stops_the_child(ctx: RuleContext) -> None:
    def slow(ctx: RuleContext) -> Iterator[Hit]:
        import time

        time.sleep(30)
        return iter(())

    rules = [_rule("boom", _boom), _rule("slow", slow)]
    with start_rules(ctx, rules, parallel=True, child_share={"slow"}) as run:
        pid = run.pid
        assert pid is not None
        with pytest.raises(ValueError, match="boom in a rule"):
            run.result()
    assert run.pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left behind


@needs_fork
def test_a_child_that_dies_is_replaced_by_an_in_process_run(ctx: RuleContext) -> None:
    parent = os.getpid()

    def dies_in_child(ctx: RuleContext) -> Iterator[Hit]:
        if os.getpid() != parent:
            os._exit(3)  # as if killed: no answer at all
        yield Hit("ran here", Location(ctx.mdir.files[0].path, 1, 1))

    with start_rules(ctx, [_rule("fragile", dies_in_child)], parallel=True, child_share={"fragile"}) as run:
        found = run.result()
    assert [(f.rule, f.message) for f in found] == [("fragile", "ran here")]


def test_small_directories_run_in_process(ctx: RuleContext) -> None:
    rules = selected_rules()
    with start_rules(_fresh(ctx), rules) as run:  # the example is far below PARALLEL_MIN_BYTES
        assert run.pid is None and not run.child
        assert run.result() == run_rules(_fresh(ctx), rules)


def test_split_keeps_rules_sharing_an_index_together_and_balances() -> None:
    rules = selected_rules()
    own, child = split_rules(rules, parent_extra=0.6)
    assert sorted(r.id for r in own + child) == sorted(r.id for r in rules)
    for group in SHARED_INDEXES:
        sides = {("own" if r in own else "child") for r in rules if r.id in group}
        assert len(sides) == 1, group
    assert own and child
    assert [r.id for r in own] == sorted(r.id for r in own)  # each side keeps the registry's order


def test_timelines_are_built_on_use_and_match_the_records(ctx: RuleContext) -> None:
    schema = ctx.model.schema
    lazy = ObjectTimelines(schema)
    assert len(lazy) == len(schema.objects) and lazy._records is None and lazy._json is None
    records = object_timelines(schema)
    assert orjson.dumps(lazy.json_items()) == orjson.dumps(records)
    assert tuple(lazy) == records and lazy[0] == records[0]


def test_finding_order_does_not_depend_on_chance() -> None:
    from pgconsolidate.rules.registry import sort_findings

    where = Location("a.sql", 1, 1)
    one = Finding("r", Severity.WARNING, "same", where, (), "h", ("x",))
    two = Finding("r", Severity.WARNING, "same", where, (), "h", ("y",))
    assert sort_findings({two, one}, {"a.sql": 0}) == [one, two]
    assert sort_findings([two, one], {"a.sql": 0}) == sort_findings([one, two], {"a.sql": 0})


def test_json_report_with_timelines_written_early_is_the_same_document() -> None:
    from dataclasses import replace

    from pgconsolidate.config import Config
    from pgconsolidate.report.analyze import analyze_directory
    from pgconsolidate.report.json_report import json_bytes, to_json

    report = analyze_directory(EXAMPLE_MIGRATIONS, config=Config(), timelines=True)
    assert isinstance(report.objects, ObjectTimelines) and report.objects._fragment is not None
    plain = replace(report, objects=report.objects.records())  # the records, written by orjson itself
    expected = orjson.dumps(to_json(plain), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    assert json_bytes(report) == expected
    assert orjson.loads(expected)["objects"][0]["events"]  # the comparison covers real timelines


def test_timelines_written_as_text_are_what_orjson_writes_even_for_odd_names() -> None:
    from pgconsolidate.model.types import Action, Effect, ObjectKind, ObjectState, Schema, SourceRef

    odd = ['a"b', "back\\slash", "new\nline", "tab\t", "été 🙂", "", "del\x7f", "\u2028sep", "ctl\x01"]
    objects = {}
    for i, name in enumerate(odd):
        events = tuple(
            Effect(Action.CREATE, ObjectKind.TABLE, name, SourceRef(f"{i}_{name}.sql", line, 1))
            for line in range(i % 3)
        )
        objects[name] = ObjectState(name, ObjectKind.TABLE, None, True, events)
    for schema in (Schema(objects=objects), Schema()):
        lazy = ObjectTimelines(schema)
        doc = {"a": 1, "objects": lazy.json_items(), "b": [1]}
        expected = orjson.dumps(doc, option=orjson.OPT_INDENT_2)
        got = orjson.dumps({**doc, "objects": lazy.json_fragment()}, option=orjson.OPT_INDENT_2)
        assert got == expected
