"""Running the rules on two processes: a forked child runs about half of them while this process runs
the rest (and whatever else the caller does meanwhile, such as the object timelines).

The child is forked after the object model is built, so it reads the model for free (copy-on-write;
the analysis is frozen out of the garbage collector's reach, which keeps its pages shared), runs its
share of the rules, and sends back only its findings (pickled, through a pipe). The rules are split
by a static estimate of their cost (:data:`RULE_COST`, measured on a 10,000-file directory); rules that
share a computed index of the :class:`~pgconsolidate.rules.registry.RuleContext` (the function history,
a function's privileges, a table's keys) run on the same side, so it is computed once.

The findings are the same, in the same order, as :func:`~pgconsolidate.rules.registry.run_rules` in one
process: each side drops its silenced findings, the parent sorts the union. A rule that raises in the
child raises the same exception here (with the child's traceback as a note); a child that dies without
an answer (killed, out of memory) is replaced by running its rules here. Only on Linux (``fork``), only
for large directories (forking costs more than it saves on small ones) and only with 2 cores or more;
otherwise everything runs in this process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Collection, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

from pgconsolidate.rules.finding import Finding, Severity
from pgconsolidate.rules.registry import RuleContext, RuleInfo, Silencer, collect_findings, sort_findings

#: From this many bytes of SQL the rules are split between two processes.
PARALLEL_MIN_BYTES = 2_000_000

#: Estimated CPU seconds of each rule on the 10,000-file benchmark directory (170,000 statements); only
#: their ratios matter. A rule not listed counts for :data:`DEFAULT_COST`.
RULE_COST: Mapping[str, float] = {
    "use-before-create": 1.0,
    "conflicting-redefinition": 0.55,  # builds the function history (shared, see SHARED_INDEXES)
    "vector-dimension-conflict": 0.45,
    "missing-extension": 0.45,
    "variant-files": 0.40,
    "definer-executable-by-public": 0.30,  # with security-definer: who may execute each definer, once
    "similar-tables": 0.22,
    "table-without-primary-key": 0.20,  # with unindexed-foreign-key: each table's keys, once
    "non-idempotent": 0.20,
    "duplicate-create": 0.20,
    "dimensionless-vector-index": 0.17,
    "grant-to-anon": 0.12,
    "security-definer": 0.10,
    "unindexed-foreign-key": 0.10,
    "concurrently-in-transaction": 0.08,
    "rls-disabled": 0.08,
    "drop-missing": 0.08,
    "policy-without-rls": 0.04,
}
DEFAULT_COST = 0.02

#: Rules that read the same cached index of the context: they run on the same side.
SHARED_INDEXES: tuple[frozenset[str], ...] = (
    frozenset({"conflicting-redefinition", "return-type-change", "overload-ambiguity"}),
    frozenset({"security-definer", "definer-executable-by-public", "security-definer-search-path"}),
    frozenset({"unindexed-foreign-key", "table-without-primary-key"}),
)


def can_fork() -> bool:
    """True where a child can be forked safely: Linux with at least 2 usable cores."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cpus >= 2


def split_rules(
    rules: Sequence[RuleInfo], parent_extra: float = 0.0
) -> tuple[list[RuleInfo], list[RuleInfo]]:
    """(the rules this process runs, the rules the child runs), balanced by :data:`RULE_COST`.
    ``parent_extra``: other work this process does meanwhile, in the same unit (seconds on the
    benchmark directory). Each group of :data:`SHARED_INDEXES` stays on one side."""
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

    own: list[RuleInfo] = []
    child: list[RuleInfo] = []
    loads = [parent_extra, 0.0]
    for unit in sorted(units, key=lambda u: (-cost(u), u[0].id)):
        side = 0 if loads[0] <= loads[1] else 1
        loads[side] += cost(unit)
        (own if side == 0 else child).extend(unit)
    position = {info.id: i for i, info in enumerate(rules)}
    own.sort(key=lambda i: position[i.id])
    child.sort(key=lambda i: position[i.id])
    return own, child


def _sql_bytes(ctx: RuleContext) -> int:
    return sum(len(f.forward_sql) for f in ctx.mdir.files)


class RuleRun:
    """Rules running: the child's share already started (if any); :meth:`result` runs this process's
    share and returns every finding, sorted. Use it as a context manager so that a child is never left
    behind when the caller fails in between."""

    def __init__(
        self,
        ctx: RuleContext,
        own: list[RuleInfo],
        child: list[RuleInfo],
        severities: Mapping[str, Severity] | None,
    ) -> None:
        self.ctx = ctx
        self.own = own
        self.child = child
        self.severities = severities
        self.pid: int | None = None
        self._fd: int | None = None

    def _start(self) -> None:
        """Fork the child that runs ``self.child`` and writes its answer to a pipe."""
        if not self.child:
            return
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_fd)
            _child_main(self.ctx, self.child, self.severities, write_fd)
        os.close(write_fd)
        self.pid, self._fd = pid, read_fd

    def result(self) -> list[Finding]:
        """Run this process's share, collect the child's, and return all findings sorted."""
        try:
            found = collect_findings(self.ctx, self.own, self.severities, self._silencer())
        except BaseException:
            self.abandon()
            raise
        # the two sides run different rules: their findings never coincide, no set union needed
        return sort_findings([*found, *self._child_findings()], self.ctx.file_index())

    def _silencer(self) -> Silencer:
        return Silencer(self.ctx.files, self.ctx.mdir)

    def _child_findings(self) -> Collection[Finding]:
        if self.pid is None or self._fd is None:
            return collect_findings(self.ctx, self.child, self.severities) if self.child else set()
        with os.fdopen(self._fd, "rb") as pipe:
            self._fd = None
            data = pipe.read()
        os.waitpid(self.pid, 0)
        self.pid = None
        try:
            answer = pickle.loads(data) if data else None
        except Exception:  # a truncated answer: the child died while writing it
            answer = None
        if isinstance(answer, tuple) and answer and answer[0] == "ok":
            return answer[1]  # type: ignore[no-any-return]
        if isinstance(answer, tuple) and answer and answer[0] == "error":
            _, exc, text = answer
            if isinstance(exc, BaseException):
                exc.add_note(f"raised by a rule in the rules' child process:\n{text}")
                raise exc
            raise RuntimeError(f"a rule failed in the rules' child process:\n{text}")
        # no answer (killed, out of memory): run its share here
        return collect_findings(self.ctx, self.child, self.severities)

    def abandon(self) -> None:
        """Stop and reap the child, if it is still there (its answer is not needed any more)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None

    def __enter__(self) -> RuleRun:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.abandon()


def _child_main(
    ctx: RuleContext, rules: list[RuleInfo], severities: Mapping[str, Severity] | None, fd: int
) -> None:
    """The child's whole life: run ``rules``, write ``("ok", findings)`` or ``("error", exception,
    traceback)`` to ``fd``, leave without running exit handlers or flushing the parent's buffers."""
    try:
        answer: tuple[Any, ...]
        text = ""
        try:
            answer = ("ok", list(collect_findings(ctx, rules, severities)))
        except BaseException as exc:
            text = traceback.format_exc()
            answer = ("error", exc, text)
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # an exception that does not pickle: its text still goes back
            data = pickle.dumps(("error", None, text or traceback.format_exc()))
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)


def start_rules(
    ctx: RuleContext,
    rules: Iterable[RuleInfo],
    severities: Mapping[str, Severity] | None = None,
    *,
    parallel: bool | None = None,
    parent_extra: float = 0.0,
    child_share: Collection[str] | None = None,
) -> RuleRun:
    """Start running ``rules`` on ``ctx``: fork a child for about half of them now; call
    :meth:`RuleRun.result` for the findings (the same as :func:`run_rules`).

    ``parallel``: None decides by platform, cores and directory size (:data:`PARALLEL_MIN_BYTES`);
    True forks whenever the platform allows, False never. ``parent_extra``: the cost of the work the
    caller does before :meth:`RuleRun.result` (see :func:`split_rules`). ``child_share``: the ids of the
    rules the child runs (default: balanced by cost).
    """
    ordered = list(rules)
    fork = can_fork() and (parallel if parallel is not None else _sql_bytes(ctx) >= PARALLEL_MIN_BYTES)
    if not fork:
        return RuleRun(ctx, ordered, [], severities)
    if child_share is not None:
        own = [i for i in ordered if i.id not in child_share]
        child = [i for i in ordered if i.id in child_share]
    else:
        own, child = split_rules(ordered, parent_extra)
    run = RuleRun(ctx, own, child, severities)
    run._start()
    return run
