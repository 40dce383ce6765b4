"""Turn a :class:`MigrationDir` into an :class:`Analysis`: split every file, extract each statement's
effects, fold them into the final schema.

Splitting and extraction are per file and independent, so large directories are processed in a
``ProcessPoolExecutor`` (2 workers by default) in chunks of files; each worker returns the file's
statements (without their text, which the parent already has) and effects, and the parent folds them
in applied order. Where processes fork (Linux), workers inherit the jobs and receive index ranges only.
Small directories are handled in-process (starting workers costs more than it saves). No I/O: the
files' text is already in ``mdir``.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from pgconsolidate.gcpause import paused_gc
from pgconsolidate.model.effects import file_effects
from pgconsolidate.model.fold import fold
from pgconsolidate.model.types import Analysis, Effect, FileEffects
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.statements.model import FileStatements
from pgconsolidate.statements.split import split_sql

#: Below this many bytes of SQL the directory is analysed in-process.
PARALLEL_MIN_BYTES = 2_000_000
#: From this many bytes of SQL the finished analysis is moved out of the cyclic GC's reach (``_settle``).
FREEZE_MIN_BYTES = 2_000_000
#: Target bytes of SQL per chunk sent to a worker.
CHUNK_BYTES = 400_000
#: The share of a worker's load this process takes on (it also receives and folds every result):
#: 0.5 measured balanced (equal CPU here and in the worker, 10,000 corpus files) once extraction got
#: cheaper relative to the fold and to unpickling results.
MAIN_SHARE = 0.5

_Job = tuple[str, str, int, bool]  # (path, forward SQL, first line, keep parse trees)
_Result = tuple[FileStatements, tuple[Effect, ...]]
#: The (shared, never mutated) empty tree of statements whose parse tree was dropped.
_NO_TREE: dict[str, Any] = {}


def _one(job: _Job) -> tuple[FileStatements, tuple[Effect, ...]]:
    path, sql, first_line, keep_trees = job
    fs = split_sql(path, sql, first_line=first_line)
    effects = tuple(file_effects(fs.statements, path))
    if not keep_trees:
        # the statements were built just above and nothing else holds them: dropping each tree in place
        # is the same as ``dataclasses.replace(st, node={})`` without building a second Statement
        for st in fs.statements:
            object.__setattr__(st, "node", _NO_TREE)
    return fs, effects


#: The jobs of the parallel run in progress: forked workers inherit them, so only index ranges are sent.
_FORKED_JOBS: Sequence[_Job] = ()


def _chunk(jobs: Sequence[_Job]) -> list[_Result]:
    """A worker's results for ``jobs``, ready to ship: statements travel without their text (the
    parent has the files' text and restores it with :func:`_restore_texts`), which halves what the
    parent unpickles for them."""
    with paused_gc():
        out = [_one(j) for j in jobs]
        for fs, _ in out:
            for st in fs.statements:
                object.__setattr__(st, "text", "")
    return out


def _chunk_range(lo: int, hi: int) -> list[_Result]:
    """:func:`_chunk` of the inherited jobs ``lo:hi`` (forked workers)."""
    return _chunk(_FORKED_JOBS[lo:hi])


def _restore_texts(batch: list[_Result], jobs: Sequence[_Job]) -> list[_Result]:
    """Give the statements of a worker's ``batch`` (for ``jobs``) their text back: the same slice of the
    same SQL the worker split (offsets are relative to it)."""
    for (fs, _), job in zip(batch, jobs, strict=True):
        sql = job[1]
        for st in fs.statements:
            object.__setattr__(st, "text", sql[st.start : st.end])
    return batch


def _ranges(jobs: Sequence[_Job], start: int, target: int) -> list[tuple[int, int]]:
    """``(lo, hi)`` index ranges of ``jobs[start:]`` holding about ``target`` bytes of SQL each."""
    out: list[tuple[int, int]] = []
    lo, size = start, 0
    for i in range(start, len(jobs)):
        size += len(jobs[i][1])
        if size >= target:
            out.append((lo, i + 1))
            lo, size = i + 1, 0
    if lo < len(jobs):
        out.append((lo, len(jobs)))
    return out


def _workers(requested: int | None) -> int:
    if requested is not None:
        return max(1, requested)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(2, cpus))


def analyze_dir(mdir: MigrationDir, *, workers: int | None = None, keep_trees: bool = True) -> Analysis:
    """Split, extract and fold every file of ``mdir`` (in applied order).

    ``workers``: processes to use for large directories, counting this one (default: up to 2, the cores
    available). With 2, this process handles the first files (and folds everything, as results come in)
    while a worker process handles the rest in chunks, so only half of the results cross a process
    boundary. ``keep_trees``: keep each statement's parse tree (``Statement.node``) in
    ``Analysis.files``; callers that only need effects and the schema pass False, which saves memory and
    the cost of sending trees back from the workers (statements then carry an empty ``node``).
    Files that could not be decoded contribute no statements.
    """
    jobs: list[_Job] = [(f.path, f.forward_sql, f.span_line, keep_trees) for f in mdir.files]
    total = sum(len(j[1]) for j in jobs)
    n = _workers(workers)
    results: list[_Result] = []

    def effects_in_order(batches: Iterator[list[_Result]]) -> Iterator[Effect]:
        # collects every result while the fold consumes its effects, so folding overlaps the workers
        for batch in batches:
            results.extend(batch)
            for _, effs in batch:
                yield from effs

    with paused_gc():
        if n > 1 and total >= PARALLEL_MIN_BYTES and len(jobs) > 1:
            # this process takes a smaller share: it also unpickles and folds every result
            own_bytes = total * MAIN_SHARE / (n - 1 + MAIN_SHARE)
            k, acc = 0, 0
            while k < len(jobs) - 1 and acc < own_bytes:
                acc += len(jobs[k][1])
                k += 1
            target = max(50_000, min(CHUNK_BYTES, (total - acc) // (n * 8) + 1))
            ranges = _ranges(jobs, k, target)
            global _FORKED_JOBS
            fork = "fork" in multiprocessing.get_all_start_methods()
            _FORKED_JOBS = jobs if fork else ()
            try:
                context = multiprocessing.get_context("fork") if fork else None
                with ProcessPoolExecutor(max_workers=n - 1, mp_context=context) as pool:
                    if fork:
                        futures = [pool.submit(_chunk_range, lo, hi) for lo, hi in ranges]
                    else:
                        futures = [pool.submit(_chunk, jobs[lo:hi]) for lo, hi in ranges]

                    def batches() -> Iterator[list[_Result]]:
                        for job in jobs[:k]:
                            yield [_one(job)]
                        for fut, (lo, hi) in zip(futures, ranges, strict=True):
                            yield _restore_texts(fut.result(), jobs[lo:hi])

                    schema = fold(effects_in_order(batches()))
            finally:
                _FORKED_JOBS = ()
        else:
            schema = fold(effects_in_order([_one(j)] for j in jobs))
        files = tuple(fs for fs, _ in results)
        effects = tuple(FileEffects(fs.file, effs) for fs, effs in results)
        analysis = Analysis(mdir=mdir, files=files, effects=effects, schema=schema)
    _settle(total)
    return analysis


def _settle(sql_bytes: int) -> None:
    """Move everything alive now (the analysis: millions of acyclic, long-lived records) out of the
    cyclic collector's reach (``gc.freeze``), so that later collections, including the one at exit,
    do not re-scan it: on 10,000 files each full collection would otherwise cost seconds. Objects
    stay freed by reference counting as usual. Only for large directories (``FREEZE_MIN_BYTES``): small
    analyses cost little to scan, and freezing also exempts whatever else is alive from cycle collection."""
    if sql_bytes >= FREEZE_MIN_BYTES:
        gc.freeze()


def analyze_files(mdir: MigrationDir, files: Sequence[FileStatements]) -> Analysis:
    """The analysis of already split files (in-process; for callers that split themselves)."""
    with paused_gc():
        effects = tuple(FileEffects(fs.file, tuple(file_effects(fs.statements, fs.file))) for fs in files)
        schema = fold(e for fe in effects for e in fe.effects)
        analysis = Analysis(mdir=mdir, files=tuple(files), effects=effects, schema=schema)
    _settle(sum(len(st.text) for fs in files for st in fs.statements))
    return analysis
