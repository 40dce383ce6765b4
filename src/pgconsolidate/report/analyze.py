"""``analyze`` as a library call: a migrations directory in, an :class:`AnalyzeReport` out.

The one module of the findings stage that touches the disk, and only through the earlier stages' readers
(:mod:`pgconsolidate.sources.reader` for the files, :func:`pgconsolidate.config.load_config` for
the configuration): it chains them with the pure stages (the object model, the rules, the report's
objects). The ``analyze`` command renders what it returns; tests and benchmarks call it directly.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pgconsolidate.analysis import analyze_dir, analyze_listed
from pgconsolidate.analysis.driver import PARALLEL_MIN_BYTES
from pgconsolidate.config import Config, load_config
from pgconsolidate.errors import InputError
from pgconsolidate.gcpause import paused_gc
from pgconsolidate.model.types import Analysis
from pgconsolidate.sources.model import MigrationDir, Scheme
from pgconsolidate.sources.reader import assemble, listed_bytes_reach, load_listed, resolve_dir, scan_dir
from pgconsolidate.sources.reader import read_dir as read_dir  # re-exported: phase-timing scripts wrap it

if TYPE_CHECKING:  # imported where used: after the analysis has forked its helper (which needs none of them)
    from pgconsolidate.report.document import AnalyzeReport
    from pgconsolidate.rules.finding import Finding
    from pgconsolidate.rules.registry import RuleInfo


def analyze_directory(
    directory: str | os.PathLike[str] | None,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config: Config | None = None,
    timelines: bool = False,
    meanwhile: Callable[[], None] | None = None,
) -> AnalyzeReport:
    """Read, split, model and check a migrations directory. No database.

    ``config``: the configuration to use (default: the one found from the directory, see
    :func:`pgconsolidate.config.load_config`); ``select``/``ignore`` add to its rule selection.

    The object model is built once (:func:`pgconsolidate.analysis.analyze_dir`, both cores on large
    directories, parse trees not kept) and every rule reads it; on large directories a forked helper
    shares the rules with this process (:func:`pgconsolidate.rules.parallel.start_rules`). The
    report's objects are built on first use; ``timelines``: build their JSON form now, while the helper
    runs rules (for ``--format json``); ``meanwhile()`` also runs then, in this process (the caller's
    work that needs no findings, such as importing its renderer). The cyclic garbage collector is
    paused meanwhile: the model is
    hundreds of thousands of small acyclic records, and collections triggered while building them cost
    more than the work itself.
    """
    with paused_gc():
        return _analyze(
            directory, select=select, ignore=ignore, config=config, timelines=timelines, meanwhile=meanwhile
        )


def _analyze(
    directory: str | os.PathLike[str] | None,
    *,
    select: list[str] | None,
    ignore: list[str] | None,
    config: Config | None,
    timelines: bool,
    meanwhile: Callable[[], None] | None,
) -> AnalyzeReport:
    root = resolve_dir(directory)
    cfg = config if config is not None else load_config(root)
    chosen: list[list[RuleInfo]] = []

    def choose_rules() -> None:
        from pgconsolidate.rules.registry import selected_rules

        chosen.append(selected_rules(list(select or cfg.select), [*(ignore or ()), *cfg.ignore]))

    # trees are not kept: rules read the model, and re-parse the few statements they look into
    analysis = directory_model(root, choose_rules)
    from pgconsolidate.report.document import AnalyzeReport, ObjectTimelines
    from pgconsolidate.rules.parallel import start_rules
    from pgconsolidate.rules.registry import RuleContext

    rules = chosen[0]
    mdir = analysis.mdir
    files = analysis.files
    ctx = RuleContext(
        mdir=mdir,
        files=files,
        analysis=analysis,
        options=cfg.rules,
        settings={"exposed-schemas": cfg.exposed_schemas},
    )
    objects = ObjectTimelines(analysis.schema)
    with start_rules(ctx, rules, cfg.severity) as run:
        if timelines:
            objects.json_fragment()  # meanwhile: the larger part of the JSON report
        if meanwhile is not None:
            meanwhile()
        findings = run.result()
    return AnalyzeReport(
        mdir=mdir,
        files=files,
        objects=objects,
        findings=tuple(findings),
        rules={r.id: r for r in rules},
    )


def directory_model(
    root: Path, before: Callable[[], None] = lambda: None, workers: int | None = None
) -> Analysis:
    """The object model of the directory at ``root``, as ``analyze`` makes it (without parse trees);
    ``before()`` runs before any file is read (and its errors come first), but once a helper process is
    working when there is one. ``workers``: processes, counting this one (default: the cores, up to 2).

    A flat directory is listed first and its files read on the way
    (:func:`pgconsolidate.analysis.analyze_listed`): on a large one, reading overlaps the analysis and
    is shared with its helper process, each reading through the reader's own functions. Other layouts
    are read whole, then analysed."""
    try:
        scanned = scan_dir(root)
    except InputError:
        before()  # its errors (an unknown rule) are reported first, as when it ran before the listing
        raise
    if isinstance(scanned, MigrationDir):
        before()
        return analyze_dir(as_run(scanned), keep_trees=False, workers=workers)
    if scanned.tool is Scheme.FLYWAY:
        # Flyway substitutes its ${...} placeholders before it runs a file: read whole, then substitute
        before()
        return analyze_dir(as_run(read_dir(root)), keep_trees=False, workers=workers)
    listing = scanned
    analysis = analyze_listed(
        len(listing),
        lambda i: load_listed(listing, i),
        lambda loaded: assemble(listing, loaded),
        parallel=listed_bytes_reach(listing, PARALLEL_MIN_BYTES),
        workers=workers,
        keep_trees=False,
        meanwhile=before,
    )
    if analysis.mdir.tool is Scheme.GOOSE and (run := as_run(analysis.mdir)) is not analysis.mdir:
        # the up markers told goose after the files were read: its ENVSUB regions, substituted, again
        return analyze_dir(run, keep_trees=False, workers=workers)
    return analysis


def as_run(mdir: MigrationDir) -> MigrationDir:
    """``mdir``'s files as its tool runs them: Flyway's ``${...}`` placeholders substituted from its
    configuration and the environment, and goose's ``-- +goose ENVSUB ON`` regions from the environment,
    as ``replay`` substitutes them (:func:`pgconsolidate.sources.flyway_files.substitute_dir`). One
    without a value stays as written (a parse error, as before: its value may come from where
    pgconsolidate does not look, such as a Spring Boot ``application.yml`` or the deploy job's
    environment; ``replay`` stops on it). Other tools' files as they are."""
    if mdir.tool not in (Scheme.FLYWAY, Scheme.GOOSE):
        return mdir
    from pgconsolidate.sources.flyway_files import substitute_dir  # not on other tools' path

    return substitute_dir(mdir, strict=False)[0]


def exit_code(findings: tuple[Finding, ...], fail_on: str) -> int:
    """1 when a finding at or above ``fail_on`` (``error``, ``warning``, ``info``; ``never``: none)
    exists, else 0."""
    from pgconsolidate.rules.finding import Severity

    if fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in findings) else 0
