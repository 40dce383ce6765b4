"""Turn a :class:`MigrationDir` into an :class:`Analysis`: split every file, extract each statement's
effects, fold them into the final schema.

Splitting and extraction are per file and independent; the fold needs every file's effects in applied
order. Large directories are cut into chunks of consecutive files shared with a forked helper process
(:class:`~pgconsolidate.analysis.fork_pool.ForkPool`, first come first served): this process folds the
chunks in order as they become available, and whenever the next one is not ready it takes a chunk
itself instead of waiting, so both cores stay busy and the load balances itself whatever the relative
costs of extraction, folding and transfer. A helper sends back the statements and effects of its files
as flat lists of field values (:mod:`~pgconsolidate.analysis.transfer`: statements without their text,
which this process has; records rebuilt here by one compiled loop per class), pickled; chunks this
process takes need no transfer. Small directories are handled in-process (forking costs more than it
saves). No I/O: the files' text is already in ``mdir``.

:func:`analyze_listed` does the same for a directory that is listed but not read yet: the helper is
forked before any file is read, and each process reads the files of the chunks it takes (through the
loader the caller passes: the reader stays the only module doing I/O), the helper sending the files it
read back with its results. Reading (~0.3 s of CPU on 10,000 files, when it ran alone first, with the
other core idle) then overlaps the analysis and is shared. The order is the one the names tell until
every file is read; when the files' up/down markers change the owning tool and the order, the effects are
folded again in the tool's order (the per-file results do not depend on the order).

Measured on the 10,000-file benchmark corpus (``analyze``, both processes timed): the tapered chunks
leave the helper's last result arriving a few milliseconds before this process's own last chunk ends; what
follows the last fold is serial (the fold's ``schema()``, about 40 ms of CPU; the rules' indexes and
fork, about 0.1 s; building the analysis here, about 10 ms). Chunks of 25 to 200 files cost the same
to transfer within noise (about 0.3 s of CPU per 2,000 files shipped, encode + pickle + unpickle +
decode), so :data:`CHUNKS_PER_PROCESS` is set for balance alone. The cost this process pays beyond
its share of the work is memory: each new 4 KiB page costs a fault (about 2.5 us of system time on
the benchmark machine); building the model touches about 100,000 of them here, against about 15,000 in
the helper, whose results are freed once sent.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from pgconsolidate.analysis import transfer
from pgconsolidate.analysis.fork_pool import MAX_ITEMS, ForkPool, HelperLost, usable_cpus
from pgconsolidate.gcpause import paused_gc
from pgconsolidate.model.effects import file_effects
from pgconsolidate.model.fold import fold
from pgconsolidate.model.types import Analysis, Effect, FileEffects
from pgconsolidate.sources.model import MigrationDir, MigrationFile
from pgconsolidate.statements.model import FileStatements, Statement
from pgconsolidate.statements.split import PIECES_FROM, joined, split_sql, split_sql_pieces

#: Below this many bytes of SQL the directory is analysed in-process.
PARALLEL_MIN_BYTES = 2_000_000
#: From this many bytes of SQL the finished analysis is moved out of the cyclic GC's reach (``_settle``).
FREEZE_MIN_BYTES = 2_000_000
#: Largest chunk, in bytes of SQL: small enough that neither side waits long for the other at the end.
CHUNK_BYTES = 150_000
#: Chunks per process aimed at (smaller chunks balance better; each costs a message and a pickle).
CHUNKS_PER_PROCESS = 100

_Job = tuple[str, str, int, bool]  # (path, forward SQL, first line, keep parse trees)
_Result = tuple[FileStatements, tuple[Effect, ...]]
#: A file as :func:`analyze_listed`'s loader returns it: the file and what the caller keeps with it.
Loaded = tuple[MigrationFile, Any]
#: The (shared, never mutated) empty tree of statements whose parse tree was dropped.
_NO_TREE: dict[str, Any] = {}


def _one(job: _Job) -> tuple[FileStatements, tuple[Effect, ...]]:
    path, sql, first_line, keep_trees = job
    if not keep_trees and len(sql) > PIECES_FROM:
        return _one_in_pieces(path, sql, first_line)
    fs = split_sql(path, sql, first_line=first_line)
    # without trees kept, each statement's tree is dropped as soon as its effects are read (freed while
    # in the cache, its memory reused for the next records: file_effects' no_tree); the statements were
    # built just above and nothing else holds them
    effects = tuple(file_effects(fs.statements, path, no_tree=None if keep_trees else _NO_TREE))
    return fs, effects


def _one_in_pieces(path: str, sql: str, first_line: int) -> tuple[FileStatements, tuple[Effect, ...]]:
    """:func:`_one` of a large file (no trees kept): each piece (:func:`split_sql_pieces`) is split when
    the effects of the previous one have been read and its trees dropped, so a file of hundreds of
    thousands of statements never holds all their parse trees at once. Same result as :func:`_one`."""
    pieces: list[FileStatements] = []

    def statements() -> Iterator[Statement]:
        for piece in split_sql_pieces(path, sql, first_line=first_line):
            pieces.append(piece)
            yield from piece.statements

    effects = tuple(file_effects(statements(), path, no_tree=_NO_TREE))
    return joined(path, sql, pieces), effects


def _shipped(jobs: Sequence[_Job]) -> transfer.Encoded:
    """A helper's results for ``jobs``, ready to pickle (:func:`transfer.encode`: statements, effects and
    their details as field values, statements without their text, restored in :func:`_received`)."""
    return transfer.encode([_one(j) for j in jobs], keep_trees=bool(jobs) and jobs[0][3])


def _received(batch: transfer.Encoded, jobs: Sequence[_Job]) -> list[_Result]:
    """The results a helper shipped for ``jobs`` (:func:`_shipped`)."""
    keep_trees = bool(jobs) and jobs[0][3]
    return transfer.decode(batch, [j[1] for j in jobs], keep_trees=keep_trees, no_tree=_NO_TREE)


def _ranges(jobs: Sequence[_Job], target: int) -> list[tuple[int, int]]:
    """``(lo, hi)`` index ranges of ``jobs`` holding about ``target`` bytes of SQL each."""
    out: list[tuple[int, int]] = []
    lo, size = 0, 0
    for i in range(len(jobs)):
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
    return max(1, min(2, usable_cpus()))


class _Gathered:
    """Each file's statements and effects (as :class:`FileEffects`), in the order the fold took them."""

    __slots__ = ("effects", "files")

    def __init__(self) -> None:
        self.files: list[FileStatements] = []
        self.effects: list[FileEffects] = []

    def reordered(self, paths: Sequence[str]) -> None:
        """Put the files in the order of ``paths`` (each file's path, once each)."""
        by_path = {fs.file: (fs, fe) for fs, fe in zip(self.files, self.effects, strict=True)}
        pairs = [by_path[path] for path in paths]
        self.files = [fs for fs, _ in pairs]
        self.effects = [fe for _, fe in pairs]


def _collected(into: _Gathered, batches: Iterable[list[_Result]]) -> Iterator[Effect]:
    """The effects of ``batches`` in order, each file added to ``into`` as it arrives: the fold consumes
    the effects while the helper still works, so folding overlaps it, and so does building each file's
    :class:`FileEffects` (10,000 of them take ~10 ms, which would otherwise follow the fold)."""
    files, effects = into.files, into.effects
    for batch in batches:
        for fs, effs in batch:
            files.append(fs)
            effects.append(FileEffects(fs.file, effs))
            yield from effs


#: The fold's working state (:func:`~pgconsolidate.model.fold.fold`'s ``keep``) of the last large
#: analysis: freeing it (~10 ms on 10,000 files) would otherwise sit between the model and the rules, with
#: the other core idle. Kept until the next large analysis replaces it; a command exits without freeing.
_KEPT: list[object] = []


def _keep(folders: list[object], large: bool) -> None:
    """Keep ``folders`` (see :data:`_KEPT`) when the analysis is ``large``, else let them go now."""
    if large:
        _KEPT[:] = folders
    folders.clear()


def _reaches(sizes: Iterable[int], limit: int) -> bool:
    """True when the ``sizes`` add up to ``limit`` or more (stops adding there)."""
    total = 0
    for size in sizes:
        total += size
        if total >= limit:
            return True
    return False


def analyze_dir(mdir: MigrationDir, *, workers: int | None = None, keep_trees: bool = True) -> Analysis:
    """Split, extract and fold every file of ``mdir`` (in applied order).

    ``workers``: processes to use for large directories, counting this one (default: up to 2, the cores
    available); see the module's docstring for how they share the work. ``keep_trees``: keep each
    statement's parse tree (``Statement.node``) in ``Analysis.files``; callers that only need effects
    and the schema pass False, which saves memory and the cost of sending trees back from the helper
    (statements then carry an empty ``node``). Files that could not be decoded contribute no statements.
    """
    jobs: list[_Job] = [(f.path, f.forward_sql, f.span_line, keep_trees) for f in mdir.files]
    total = sum(len(j[1]) for j in jobs)
    n = _workers(workers)
    got = _Gathered()
    folders: list[object] = []

    with paused_gc():
        if n > 1 and total >= PARALLEL_MIN_BYTES and len(jobs) > 1:
            target = max(1, min(CHUNK_BYTES, total // (n * CHUNKS_PER_PROCESS) + 1))
            ranges = _ranges(jobs, max(target, total // MAX_ITEMS + 1))
            with ForkPool(len(ranges), lambda c: _shipped(jobs[slice(*ranges[c])]), helpers=n - 1) as pool:

                def here(c: int) -> list[_Result]:
                    return [_one(j) for j in jobs[slice(*ranges[c])]]

                def there(c: int) -> list[_Result]:
                    return _received(pool.result(c), jobs[slice(*ranges[c])])

                schema = fold(_collected(got, _in_order(pool, len(ranges), here, there)), keep=folders)
        else:
            schema = fold(_collected(got, ([_one(j)] for j in jobs)), keep=folders)
        analysis = Analysis(mdir=mdir, files=tuple(got.files), effects=tuple(got.effects), schema=schema)
        _keep(folders, total >= FREEZE_MIN_BYTES)
    _settle(total >= FREEZE_MIN_BYTES)
    return analysis


def analyze_listed(
    count: int,
    load: Callable[[int], Loaded],
    assemble: Callable[[list[Loaded]], MigrationDir],
    *,
    parallel: bool,
    workers: int | None = None,
    keep_trees: bool = True,
    meanwhile: Callable[[], None] | None = None,
) -> Analysis:
    """The analysis of a directory whose ``count`` files are not read yet, reading them on the way:
    :func:`analyze_dir` of ``assemble(loaded)``, but on large directories reading overlaps the analysis
    and is shared with the helper (each process reads the chunks it takes).

    ``load(i)`` is the ``i``-th file (in applied order as far as it is known before reading) and
    whatever the caller keeps with it (handed back to ``assemble`` as is); it must not raise for what is
    wrong with a file (that is in the file's problems). ``assemble(loaded)`` makes the directory from
    every file, in the same order, and may order the files otherwise (the order is then the directory's:
    the effects are folded again in that order). ``parallel``: the directory is large enough to share
    (:data:`PARALLEL_MIN_BYTES`). The driver does no I/O itself: ``load`` does, in whichever process
    takes the file's chunk; a helper sends the files it read back with its results. ``meanwhile()``
    runs in this process before any file is read here, once the helper (if any) has started: work of
    the caller's that need not delay the helper."""
    n = _workers(workers)
    got = _Gathered()
    folders: list[object] = []

    with paused_gc():
        if n > 1 and parallel and count > 1:
            ranges = _tapered(count, n)
            loaded: list[Loaded] = []

            def shipped(c: int) -> tuple[list[tuple[Any, ...]], transfer.Encoded]:
                files = [load(i) for i in range(*ranges[c])]
                return [_file_values(item) for item in files], _shipped(_jobs_of(files, keep_trees))

            with ForkPool(len(ranges), shipped, helpers=n - 1) as pool:
                if meanwhile is not None:
                    meanwhile()
                read: dict[int, list[Loaded]] = {}

                def here(c: int) -> list[_Result]:
                    read[c] = files = [load(i) for i in range(*ranges[c])]
                    return [_one(j) for j in _jobs_of(files, keep_trees)]

                def there(c: int) -> list[_Result]:
                    values, batch = pool.result(c)
                    read[c] = files = [_file_of(v) for v in values]
                    return _received(batch, _jobs_of(files, keep_trees))

                def chunks() -> Iterator[list[_Result]]:
                    for c, batch in enumerate(_in_order(pool, len(ranges), here, there)):
                        loaded.extend(read.pop(c))
                        yield batch

                schema = fold(_collected(got, chunks()), keep=folders)
        else:
            if meanwhile is not None:
                meanwhile()
            loaded = [load(i) for i in range(count)]
            schema = fold(_collected(got, ([_one(j)] for j in _jobs_of(loaded, keep_trees))), keep=folders)
        mdir = assemble(loaded)
        paths = [f.path for f in mdir.files]
        if paths != [f.path for f, _ in loaded]:
            # the files' content (up/down markers) changed the owning tool and the order: fold again
            got.reordered(paths)
            schema = fold((e for fe in got.effects for e in fe.effects), keep=folders)
        analysis = Analysis(mdir=mdir, files=tuple(got.files), effects=tuple(got.effects), schema=schema)
        large = _reaches((len(f.forward_sql) for f in mdir.files), FREEZE_MIN_BYTES)
        _keep(folders, large)
    _settle(large)
    return analysis


def _tapered(count: int, processes: int) -> list[tuple[int, int]]:
    """``(lo, hi)`` ranges of ``count`` files for ``processes``: chunks of equal counts (sizes are not
    known before reading), the last ones smaller and smaller (an eighth of what is left, per process
    pair), so that whichever process takes the last chunk leaves the other waiting only briefly. At
    most :data:`MAX_ITEMS` ranges."""
    size = max(1, -(-count // (processes * CHUNKS_PER_PROCESS)), -(-count // (MAX_ITEMS // 2)))
    share = 4 * processes
    out: list[tuple[int, int]] = []
    lo = 0
    while lo < count:
        step = max(1, min(size, (count - lo) // share))
        out.append((lo, lo + step))
        lo += step
    return out


def _jobs_of(files: Sequence[Loaded], keep_trees: bool) -> list[_Job]:
    return [(f.path, f.forward_sql, f.span_line, keep_trees) for f, _ in files]


#: A file's fields, in order, as a helper sends them back (:func:`_file_values`).
_FILE_FIELDS = tuple(f.name for f in dataclasses.fields(MigrationFile))


def _file_values(item: Loaded) -> tuple[Any, ...]:
    """A file a helper read, as it travels: its fields' values, then what the loader kept with it
    (:func:`_file_of` rebuilds it)."""
    f, extra = item
    return (*map(f.__getattribute__, _FILE_FIELDS), extra)


def _file_of(values: tuple[Any, ...]) -> Loaded:
    *fields, extra = values
    return MigrationFile(*fields), extra


def _in_order(
    pool: ForkPool,
    count: int,
    here: Callable[[int], list[_Result]],
    there: Callable[[int], list[_Result]],
) -> Iterator[list[_Result]]:
    """Each chunk's results, in order: computed here (``here(c)``) or received from the helper
    (``there(c)``). Whenever the next chunk is not ready, this process takes the next untaken chunk
    itself (and keeps its results until their turn) rather than wait; it waits only when every chunk is
    taken. A chunk the helper could not deliver (it failed or died) is computed here."""
    own: dict[int, list[_Result]] = {}
    for c in range(count):
        while c not in own:
            pool.poll()
            if pool.finished(c):
                break
            taken = pool.claim()
            if taken is None:
                break  # everything is taken: wait for the helper's result
            own[taken] = here(taken)
        if c in own:
            yield own.pop(c)
            continue
        try:
            batch = there(c)
        except HelperLost:
            batch = here(c)
        yield batch


def _settle(large: bool) -> None:
    """Move everything alive now (the analysis: millions of acyclic, long-lived records) out of the
    cyclic collector's reach (``gc.freeze``), so that later collections, including the one at exit,
    do not re-scan it: on 10,000 files each full collection would otherwise cost seconds. Objects
    stay freed by reference counting as usual. Only for ``large`` directories (``FREEZE_MIN_BYTES`` of
    SQL or more): small analyses cost little to scan, and freezing also exempts whatever else is alive
    from cycle collection."""
    if large:
        gc.freeze()


def analyze_files(mdir: MigrationDir, files: Sequence[FileStatements]) -> Analysis:
    """The analysis of already split files (in-process; for callers that split themselves)."""
    with paused_gc():
        effects = tuple(FileEffects(fs.file, tuple(file_effects(fs.statements, fs.file))) for fs in files)
        schema = fold(e for fe in effects for e in fe.effects)
        analysis = Analysis(mdir=mdir, files=tuple(files), effects=effects, schema=schema)
    _settle(_reaches((len(st.text) for fs in files for st in fs.statements), FREEZE_MIN_BYTES))
    return analysis
