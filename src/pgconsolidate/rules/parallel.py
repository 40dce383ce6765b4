"""Running the rules on two processes: a forked helper and this process take the rules one unit at a
time, first come first served, while this process also does whatever the caller does meanwhile (such
as writing the objects' timelines).

The helper is forked after the object model is built, so it reads the model without a copy being sent
(copy-on-write: each side copies only the pages it writes to, reference counts included, which on a
10,000-file directory is most of the heap on each side: tenths of a second of the rules' time), and
sends back only its findings (pickled, see :class:`~pgconsolidate.analysis.fork_pool.ForkPool`). Rules
are handed out in units, the most expensive first (by the estimates of :data:`RULE_COST`, measured on a
10,000-file directory: they only set the order, the balance comes from taking units as each side gets
free); rules that share a computed index of the :class:`~pgconsolidate.rules.registry.RuleContext`
(the words of each file, the function history, a function's privileges, a table's keys) form one
unit, so it is computed once. Indexes most rules read (files' order, ignore comments, objects by kind,
tables' children) are built before forking, so neither side builds them twice. The units of rules that
report one finding per object (:data:`MANY_FINDINGS`) are this process's first, so that most findings
are not pickled there and unpickled here; the helper takes them only when nothing else is left.

The findings are the same, in the same order, as :func:`~pgconsolidate.rules.registry.run_rules` in one
process: each side drops its silenced findings and sorts those of each unit it runs, this process
merges them (:func:`merge_sorted_units`). A unit the helper could not deliver (a rule raised there, or
the helper died) is run here: a rule that raises does so in this process, with its own traceback. Once
every answer is in, the helper is released without waiting for the system to free its memory (it is
reaped by the next :func:`start_rules`, or by ``init`` after this process exits). Only on Linux, only
for large directories (forking costs more than it saves on small ones) and only with 2 cores or more;
otherwise everything runs in this process.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from types import TracebackType

from pgconsolidate.analysis.fork_pool import RELEASED, ForkPool, HelperLost, available, reap_released
from pgconsolidate.rules.finding import Finding, Severity
from pgconsolidate.rules.registry import RuleContext, RuleInfo, collect_findings, sort_findings

#: From this many bytes of SQL the rules are shared with a forked helper.
PARALLEL_MIN_BYTES = 2_000_000

#: Estimated CPU seconds of each rule on the 10,000-file benchmark directory (170,000 statements),
#: including the context indexes it is the first to build; only their order matters (the most
#: expensive units are handed out first). A rule not listed counts for :data:`DEFAULT_COST`.
RULE_COST: Mapping[str, float] = {
    "use-before-create": 0.25,  # with missing-extension: the words of each file, split once (0.3 s)
    "missing-extension": 0.24,
    "definer-executable-by-public": 0.19,  # with security-definer: who may execute each definer, once
    "conflicting-redefinition": 0.18,  # builds the function history (shared, see SHARED_INDEXES)
    "vector-dimension-conflict": 0.17,
    "similar-tables": 0.12,
    "security-definer": 0.10,
    "unindexed-foreign-key": 0.10,  # with table-without-primary-key: each table's keys, once
    "table-without-primary-key": 0.08,
    "not-null-without-default": 0.08,  # 10,000 SET NOT NULL on the benchmark directory (session 9)
    "non-idempotent": 0.07,
    "policy-per-row-auth-call": 0.06,
    "dimensionless-vector-index": 0.05,
    "hardcoded-secret": 0.05,  # the first look at each file's text, then the pattern on the files it passes
    "variant-files": 0.05,
    "duplicate-create": 0.04,
    "duplicate-index": 0.03,
    "grant-to-anon": 0.03,
    "rls-disabled": 0.03,
    "destructive-change": 0.025,
}
DEFAULT_COST = 0.02

#: Rules that read the same cached index of the context: they form one unit (run on the same side).
SHARED_INDEXES: tuple[frozenset[str], ...] = (
    frozenset({"use-before-create", "missing-extension"}),  # the words of each file (rules.mentions)
    frozenset({"conflicting-redefinition", "return-type-change", "overload-ambiguity"}),
    frozenset({"security-definer", "definer-executable-by-public", "security-definer-search-path"}),
    frozenset({"unindexed-foreign-key", "table-without-primary-key"}),
)


#: Rules that report one finding per object of a common kind (each definer function, foreign key, vector
#: column): on large directories they give most of the findings (30,000 of the 40,000 on the benchmark
#: directory), and a finding costs about as much to pickle in the helper and unpickle here as to find.
#: This process takes their units first (the helper only once it has run out of the others), so their
#: findings are made where they are needed.
MANY_FINDINGS = frozenset(
    {
        "definer-executable-by-public",
        "security-definer",
        "unindexed-foreign-key",
        "vector-dimension-conflict",
        "policy-per-row-auth-call",  # each policy calling auth.uid() & co. directly
    }
)


def can_fork() -> bool:
    """True where a helper can be forked: Linux with at least 2 usable cores."""
    return available()


def rule_units(rules: Sequence[RuleInfo]) -> list[list[RuleInfo]]:
    """``rules`` in units to hand out, the most expensive first (by :data:`RULE_COST`): each group of
    :data:`SHARED_INDEXES` is one unit, every other rule a unit of its own."""
    units: list[list[RuleInfo]] = []
    grouped: dict[frozenset[str], list[RuleInfo]] = {}
    for info in rules:
        group = next((g for g in SHARED_INDEXES if info.id in g), None)
        if group is None:
            units.append([info])
        elif group in grouped:
            grouped[group].append(info)
        else:
            grouped[group] = [info]
            units.append(grouped[group])

    def cost(unit: list[RuleInfo]) -> float:
        return sum(RULE_COST.get(i.id, DEFAULT_COST) for i in unit)

    return sorted(units, key=lambda u: (-cost(u), u[0].id))


def merge_sorted_units(parts: Iterable[list[Finding]]) -> list[Finding]:
    """The findings of units that hold different rules, each unit's sorted by
    :func:`~pgconsolidate.rules.registry.sort_findings`, in the order that function gives all of them.
    That order starts with (severity, rule): a sorted unit is runs of one severity and rule each, no two
    units share a rule, so ordering the runs by (severity, rule) is the whole sort (no finding's key is
    computed again)."""
    runs: list[tuple[int, str, list[Finding]]] = []
    for part in parts:
        for (severity, rule), run in groupby(part, key=lambda f: (f.severity, f.rule)):
            runs.append((-severity.rank, rule, list(run)))
    runs.sort(key=lambda r: (r[0], r[1]))
    return [finding for _, _, run in runs for finding in run]


def _sql_bytes(ctx: RuleContext) -> int:
    return sum(len(f.forward_sql) for f in ctx.mdir.files)


def _prepare(ctx: RuleContext) -> None:
    """Build the context indexes most rules read, once, before forking (both sides inherit them)."""
    ctx.file_index()
    _ = ctx.silencer, ctx.by_kind, ctx.children


class RuleRun:
    """Rules running: the helper (if any) already taking units; :meth:`result` runs the units left
    here and returns every finding, sorted. Use it as a context manager so that a helper is never left
    behind when the caller fails in between."""

    def __init__(
        self,
        ctx: RuleContext,
        units: list[list[RuleInfo]],
        severities: Mapping[str, Severity] | None,
        *,
        fork: bool,
    ) -> None:
        self.ctx = ctx
        self.units = units
        self.severities = severities
        mine = [n for n, unit in enumerate(units) if any(info.id in MANY_FINDINGS for info in unit)]
        self.pool = ForkPool(len(units), self._unit_findings, helpers=1 if fork else 0, mine=mine)
        self.ran_here: list[int] = []  # the units this process ran, in order

    @property
    def pid(self) -> int | None:
        """The helper's process id while it may run (None: no helper, or already released or reaped)."""
        return self.pool.pids[0] if self.pool.pids else None

    def _unit_findings(self, unit: int) -> list[Finding]:
        """A unit's findings, sorted (by the side that ran it: the final order is then a merge)."""
        return sort_findings(
            collect_findings(self.ctx, self.units[unit], self.severities), self.ctx.file_index()
        )

    def result(self) -> list[Finding]:
        """Run the units no one has taken yet, collect the helper's findings, and return all of them
        sorted (the helper is released: see ``_release``; on an exception it is stopped and reaped). The
        helper's findings are unpickled as they arrive, between this process's units, so that this work
        is shared out like the rules instead of following them."""
        try:
            found: list[list[Finding]] = []  # each unit's findings, sorted
            pending = set(range(len(self.units)))  # units whose findings are not in ``found`` yet

            def collect(unit: int) -> None:
                pending.discard(unit)
                try:
                    found.append(self.pool.result(unit))
                except HelperLost:  # it failed there, or the helper died: run it here
                    self.ran_here.append(unit)
                    found.append(self._unit_findings(unit))

            while (unit := self.pool.claim()) is not None:
                pending.discard(unit)
                self.ran_here.append(unit)
                found.append(self._unit_findings(unit))
                self.pool.poll()
                for done in [u for u in pending if self.pool.finished(u)]:
                    collect(done)
            for unit in sorted(pending):
                collect(unit)
        except BaseException:
            self.abandon()
            raise
        self._release()
        return merge_sorted_units(found)

    def _release(self) -> None:
        """Every answer is in, so the helper is leaving by itself (it found no unit left): release the
        pool without waiting while the system tears the helper's memory down (its copied pages: tens of
        milliseconds on large directories, while this process has a report to write). The helper is
        killed in case it is not gone yet, and reaped now if it is, else by the next
        :func:`start_rules` (:func:`reap_released`): never more than one left behind."""
        self.pool.release()

    def abandon(self) -> None:
        """Stop and reap the helper, if it is still there (its answers are not needed any more), and
        wait for it to be gone."""
        self.pool.close()

    def __enter__(self) -> RuleRun:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.abandon()


#: Helpers released by :meth:`RuleRun.result` that had not exited yet (see ``RuleRun._release``;
#: shared with every :class:`~pgconsolidate.analysis.fork_pool.ForkPool`, see ``ForkPool.release``).
_RELEASED = RELEASED


def start_rules(
    ctx: RuleContext,
    rules: Iterable[RuleInfo],
    severities: Mapping[str, Severity] | None = None,
    *,
    parallel: bool | None = None,
) -> RuleRun:
    """Start running ``rules`` on ``ctx``: fork a helper that starts taking units now; call
    :meth:`RuleRun.result` for the findings (the same as :func:`run_rules`), after doing other work
    meanwhile if there is some.

    ``parallel``: None decides by platform, cores and directory size (:data:`PARALLEL_MIN_BYTES`);
    True forks whenever the platform allows, False never.
    """
    reap_released()
    units = rule_units(list(rules))
    fork = can_fork() and (parallel if parallel is not None else _sql_bytes(ctx) >= PARALLEL_MIN_BYTES)
    run = RuleRun(ctx, units, severities, fork=fork and len(units) > 1)
    if run.pool.wanted:
        _prepare(ctx)
    run.pool.start()
    return run
