"""The rules on two processes (``rules.parallel``): the same findings in the same order as in one process,
both processes taking rules, a rule failing in the helper or a dead helper replaced by an in-process run,
failures raised here, timelines built lazily."""

from __future__ import annotations

import os
from collections.abc import Iterator

import orjson
import pytest

from pgconsolidate.analysis import analyze_dir
from pgconsolidate.config import load_config
from pgconsolidate.report.document import ObjectTimelines, object_timelines
from pgconsolidate.rules.finding import Finding, Location, Severity
from pgconsolidate.rules.parallel import (
    DEFAULT_COST,
    MANY_FINDINGS,
    RULE_COST,
    SHARED_INDEXES,
    can_fork,
    merge_sorted_units,
    rule_units,
    start_rules,
)
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
        assert run.pid is not None
        got = run.result()
    assert got == expected
    assert run.pid is None  # reaped


def _slow_pid(ctx: RuleContext) -> Iterator[Hit]:
    import time

    time.sleep(0.5)
    yield Hit(str(os.getpid()), Location(ctx.mdir.files[0].path, 1, 1))


@needs_fork
def test_both_processes_take_rules(ctx: RuleContext) -> None:
    rules = [_rule("slow-a", _slow_pid), _rule("slow-b", _slow_pid), _rule("slow-c", _slow_pid)]
    with start_rules(ctx, rules, parallel=True) as run:
        helper = run.pid
        found = run.result()
    assert sorted(f.rule for f in found) == ["slow-a", "slow-b", "slow-c"]
    assert {f.message for f in found} == {str(os.getpid()), str(helper)}


def _boom(ctx: RuleContext) -> Iterator[Hit]:
    raise ValueError("boom in a rule")
    yield  # pragma: no cover


@needs_fork
def test_an_exception_in_a_rule_is_raised_here(ctx: RuleContext) -> None:
    rules = [*selected_rules(["version-collision"]), _rule("boom", _boom), _rule("slow", _slow_pid)]
    with start_rules(ctx, rules, parallel=True) as run:
        assert run.pid is not None
        with pytest.raises(ValueError, match="boom in a rule"):
            run.result()
    assert run.pid is None  # reaped


class _Unpicklable(Exception):
    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a}/{b}")

    def __reduce__(self) -> object:
        raise TypeError("cannot pickle this")


@needs_fork
def test_a_rule_failing_only_in_the_helper_is_run_here(ctx: RuleContext) -> None:
    parent = os.getpid()

    def fails_in_helper(ctx: RuleContext) -> Iterator[Hit]:
        if os.getpid() != parent:
            raise _Unpicklable(1, 2)
        yield Hit("ran here", Location(ctx.mdir.files[0].path, 1, 1))

    rules = [_rule(f"fragile-{i}", fails_in_helper) for i in range(4)]
    with start_rules(ctx, rules, parallel=True) as run:
        found = run.result()
    assert [(f.rule, f.message) for f in found] == [(f"fragile-{i}", "ran here") for i in range(4)]


@needs_fork
def test_an_exception_in_this_process_stops_the_helper(ctx: RuleContext) -> None:
    parent = os.getpid()

    def slow(ctx: RuleContext) -> Iterator[Hit]:
        # slow only in the helper: whichever process takes which rule first (first come, first served),
        # the exception is raised here while the helper is still busy, and must not wait for it
        if os.getpid() != parent:
            __import__("time").sleep(30)
        return iter(())

    rules = [_rule("boom", _boom), _rule("slow", slow), _rule("slow-2", slow)]
    started = __import__("time").monotonic()
    with start_rules(ctx, rules, parallel=True) as run:
        pid = run.pid
        assert pid is not None
        with pytest.raises(ValueError, match="boom in a rule"):
            run.result()
    assert run.pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left behind
    assert __import__("time").monotonic() - started < 29


@needs_fork
def test_a_helper_that_dies_is_replaced_by_an_in_process_run(ctx: RuleContext) -> None:
    parent = os.getpid()

    def dies_in_helper(ctx: RuleContext) -> Iterator[Hit]:
        if os.getpid() != parent:
            os._exit(3)  # as if killed: no answer at all
        yield Hit("ran here", Location(ctx.mdir.files[0].path, 1, 1))

    rules = [_rule(f"fragile-{i}", dies_in_helper) for i in range(3)]
    with start_rules(ctx, rules, parallel=True) as run:
        found = run.result()
    assert [(f.rule, f.message) for f in found] == [(f"fragile-{i}", "ran here") for i in range(3)]


def test_small_directories_run_in_process(ctx: RuleContext) -> None:
    rules = selected_rules()
    with start_rules(_fresh(ctx), rules) as run:  # the example is far below PARALLEL_MIN_BYTES
        assert run.pid is None
        assert run.result() == run_rules(_fresh(ctx), rules)
        assert sorted(run.ran_here) == list(range(len(run.units)))


def test_units_keep_rules_sharing_an_index_together_most_expensive_first() -> None:
    rules = selected_rules()
    units = rule_units(rules)
    assert sorted(r.id for u in units for r in u) == sorted(r.id for r in rules)
    for group in SHARED_INDEXES:
        holding = [i for i, u in enumerate(units) if any(r.id in group for r in u)]
        assert len(holding) == 1, group
    costs = [sum(RULE_COST.get(r.id, DEFAULT_COST) for r in u) for u in units]
    assert costs == sorted(costs, reverse=True)


def test_units_of_rules_with_many_findings_are_kept_for_this_process(ctx: RuleContext) -> None:
    rules = selected_rules()
    assert {r.id for r in rules} >= MANY_FINDINGS
    with start_rules(ctx, rules, parallel=False) as run:
        kept = [run.units[i] for i in run.pool.mine]
        assert run.result() == run_rules(_fresh(ctx), rules)
    assert {r.id for u in kept for r in u} >= MANY_FINDINGS
    assert all(any(r.id in MANY_FINDINGS for r in u) for u in kept)
    assert run.ran_here[: len(kept)] == run.pool.mine  # in process: those units first


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


def test_merging_sorted_units_gives_the_order_of_one_sort() -> None:
    import random

    from pgconsolidate.rules.registry import sort_findings

    order = {"a.sql": 0, "b.sql": 1}
    rnd = random.Random(7)
    units: list[list[Finding]] = []
    for rules in (["zeta", "alpha"], ["mid"], ["beta", "omega", "gamma"]):
        units.append(
            [
                Finding(
                    rnd.choice(rules),
                    rnd.choice(list(Severity)),  # a rule's hits may have severities of their own
                    f"m{rnd.randrange(5)}",
                    Location(rnd.choice(["a.sql", "b.sql"]), rnd.randrange(1, 4)),
                    objects=(str(n),),
                )
                for n in range(60)
            ]
        )
    every = [f for unit in units for f in unit]
    merged = merge_sorted_units(sort_findings(unit, order) for unit in units)
    assert merged == sort_findings(every, order)
    assert merged != every  # the units were not in order: the comparison proves something


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
