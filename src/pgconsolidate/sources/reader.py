"""Read a migrations directory from disk into a :class:`MigrationDir`. The only I/O of stage 1."""

from __future__ import annotations

import errno
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pgconsolidate.errors import InputError
from pgconsolidate.sources.layouts import (
    DIESEL_UP,
    DRIZZLE_BREAKPOINT,
    DRIZZLE_JOURNAL,
    DRIZZLE_META,
    PRISMA_FILE,
    PRISMA_LOCK,
    Journal,
    diesel_dir_name,
    drizzle_file_name,
    looks_like_drizzle,
    parse_journal,
    prisma_dir_name,
)
from pgconsolidate.sources.model import (
    NEUTRAL_LABEL,
    FileName,
    FileProblem,
    LeftOut,
    MigrationDir,
    MigrationFile,
    Scheme,
)
from pgconsolidate.sources.naming import (
    detect_tool,
    flyway_left_out_reason,
    marker_scheme,
    order_key,
    orders_by_name,
    paired_downs,
    parse_filename,
    sort_names,
    up_section,
)

DEFAULT_DIRS = ("supabase/migrations", "migrations", "prisma/migrations", "drizzle", ".")
MAX_FILE_BYTES = 256 * 1024 * 1024
ARCHIVE_DIRS = {"archive", "archived", "old", "disabled", "backup", "backups"}
#: The names the Supabase CLI runs (its own pattern, on the whole name: ``20240102000000_b.up.sql`` is one).
_SUPABASE_CLI_NAME = re.compile(r"^\d+_.*\.sql$")
#: Why a ``<version>_<name>.go`` file beside the SQL migrations is left out (goose's Go migrations).
GO_MIGRATION = (
    "Go migration: goose runs it; pgconsolidate cannot replay it, so what it changes is not in the replay"
)
#: Up/down markers count for detecting the owning tool only in a file's first 64 KiB.
MARKER_HEAD_BYTES = 65536


def resolve_dir(directory: str | os.PathLike[str] | None) -> Path:
    """The directory to read: the one given, else the first of :data:`DEFAULT_DIRS` that exists."""
    if directory is not None:
        path = Path(directory)
        if not path.exists():
            raise InputError(f"{path}: no such directory")
        if not path.is_dir():
            raise InputError(f"{path}: not a directory")
        return path
    for candidate in DEFAULT_DIRS:
        path = Path(candidate)
        if path.is_dir():
            return path
    raise InputError(f"no migrations directory: pass DIR (looked for {', '.join(DEFAULT_DIRS)})")


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def decode(data: bytes) -> tuple[str | None, tuple[FileProblem, ...]]:
    """Decode UTF-8 (a BOM is dropped); report where decoding fails and where NUL bytes are."""
    problems: list[FileProblem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode("utf-8", "replace")
        line, col = line_col(prefix, len(prefix))
        byte = data[exc.start : exc.start + 1].hex()
        problems.append(
            FileProblem(
                "encoding",
                f"not valid UTF-8: byte 0x{byte} at byte offset {exc.start} (line {line}, column {col})",
                line,
                col,
            )
        )
        return None, tuple(problems)
    nul = text.find("\x00")
    if nul >= 0:
        line, col = line_col(text, nul)
        problems.append(
            FileProblem("nul-byte", f"contains a NUL byte at line {line}, column {col}", line, col)
        )
        return None, tuple(problems)
    if not text or text.isspace():
        problems.append(FileProblem("empty", "file is empty"))
    return text, tuple(problems)


def read_file(root: Path, path: Path, name: FileName) -> MigrationFile:
    """The migration file at ``path`` (inside ``root``), read, hashed and decoded."""
    return _load(str(path), path.relative_to(root).as_posix(), name)[0]


#: The first read of a file asks for this many bytes: most migrations are smaller, and a short read of a
#: regular file is its end, so they are read without asking their size first.
FIRST_READ_BYTES = 65536


def _read_bytes(path: str) -> tuple[bytes | None, int]:
    """``(contents, size)`` of the file at ``path``; ``(None, size)`` when it is over
    :data:`MAX_FILE_BYTES`.
    One open and one read for a file under :data:`FIRST_READ_BYTES`; larger ones are ``fstat``'ed, then
    read whole (no Python file object: this runs once per file of directories of thousands of files)."""
    limit = MAX_FILE_BYTES
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        head = os.read(fd, FIRST_READ_BYTES)
        if len(head) < FIRST_READ_BYTES:  # a short read of a regular file: the end of the file
            return (head if len(head) <= limit else None), len(head)
        size = os.fstat(fd).st_size
        if size > limit:
            return None, size
        rest = os.read(fd, size - len(head) + 1) if size >= len(head) else b""
        data = head + rest
        if len(data) <= size:  # a short read: the end of the file
            return data, len(data)
        chunks, total = [data], len(data)  # grew since fstat, or a file that reports no size
        while more := os.read(fd, 1 << 20):
            chunks.append(more)
            total += len(more)
            if total > limit:
                return None, total
        return b"".join(chunks), total
    finally:
        os.close(fd)


def _head(path: str) -> bytes:
    """The first :data:`MARKER_HEAD_BYTES` of a file (b"" when it cannot be read)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return b""
    try:
        return os.read(fd, MARKER_HEAD_BYTES)
    except OSError:
        return b""
    finally:
        os.close(fd)


#: ``+`` signs looked at one by one by :func:`_may_have_markers` before it searches for ``+g``/``+G``/``+m``.
_PLUS_PROBES = 16


def _may_have_markers(data: bytes) -> bool:
    """False when ``data`` cannot hold a goose (``-- +goose Up``, any case), sql-migrate
    (``-- +migrate Up``) or dbmate (``-- migrate:up``) marker: none of ``+g``/``+G``/``+m`` and
    ``migrate:`` occurs. A necessary condition of the marker patterns, checked without decoding or
    copying (the patterns then run on the text as before).

    Searching for a two-byte string is slow (three times slower than for ``migrate:``) while ``+`` is
    rare in SQL and found by ``memchr``: the first few ``+`` are looked at one by one, and the two-byte
    searches run only on files with many of them."""
    if b"migrate:" in data or b"create above / drop below" in data:  # dbmate, tern
        return True
    at = data.find(b"+")
    for _ in range(_PLUS_PROBES):
        if at < 0:
            return False
        if data[at + 1 : at + 2] in (b"g", b"G", b"m"):
            return True
        at = data.find(b"+", at + 1)
    return b"+g" in data or b"+G" in data or b"+m" in data


def _marker_in(data: bytes) -> Scheme | None:
    """The tool whose up/down markers appear in the first :data:`MARKER_HEAD_BYTES` of ``data``."""
    head = data[:MARKER_HEAD_BYTES]
    return marker_scheme(head.decode("utf-8", "replace")) if _may_have_markers(head) else None


def _load(path: str, rel: str, name: FileName) -> tuple[MigrationFile, Scheme | None]:
    """The file at ``path`` (shown as ``rel``) and the tool whose up/down markers appear in its first
    64 KiB (None: no markers, or unreadable)."""
    try:
        data, size = _read_bytes(path)
    except OSError as exc:
        problem = FileProblem("unreadable", f"cannot read: {exc.strerror or exc}")
        return MigrationFile(rel, name, "", 0, None, (problem,)), None
    if data is None:
        problem = FileProblem("too-large", f"file is {size} bytes, over the {MAX_FILE_BYTES} byte limit")
        return MigrationFile(rel, name, "", size, None, (problem,)), _marker_in(_head(path))
    text, problems = decode(data)
    span = None
    marker = None
    if _may_have_markers(data):
        marker = _marker_in(data)
        span = up_section(text) if text is not None else None
    span_line = line_col(text, span[0])[0] if (text is not None and span is not None) else 1
    mfile = MigrationFile(
        path=rel,
        filename=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        text=text,
        problems=problems,
        span=span,
        span_line=span_line,
    )
    return mfile, marker


def read_dir(directory: str | os.PathLike[str] | None = None) -> MigrationDir:
    """Read every migration in ``directory`` and order them as the owning tool would.

    Subdirectories (such as ``archive/``), ``.disabled`` files, down migrations and files whose names
    are not migration names are left out and listed with the reason; a Flyway location's subdirectories
    are read, as Flyway scans them recursively. A Prisma directory (one
    ``<timestamp>_<name>/migration.sql`` per migration) and a drizzle-kit one (``meta/_journal.json``)
    are read in their tools' layouts (:mod:`pgconsolidate.sources.layouts`).

    The same as :func:`scan_dir`, then :func:`load_listed` for each file and :func:`assemble`.
    """
    scanned = scan_dir(directory)
    if isinstance(scanned, MigrationDir):
        return scanned
    return assemble(scanned, [load_listed(scanned, i) for i in range(len(scanned))])


@dataclass(frozen=True)
class Listing:
    """A flat migrations directory listed, its files not read yet: what :func:`scan_dir` returns so
    that reading the files can be shared between processes (each reads some with :func:`load_listed`)
    and overlap with their analysis; :func:`assemble` then makes the :class:`MigrationDir`.

    ``order`` is the applied order as the names alone tell it (positions in ``named``, which is in
    file-name order). Up/down markers inside the files (goose, dbmate) can change the owning tool and
    so the order: :func:`assemble` orders the files as :func:`read_dir` would, which callers compare
    with ``order``.
    """

    root: Path
    resolved: str  # the directory's real path (tells a ``supabase/migrations`` directory)
    tool: Scheme  # the tool the names and path tell (no markers)
    left_out: tuple[LeftOut, ...]
    named: tuple[tuple[str, FileName], ...]  # file name and what it says, in file-name order
    paths: tuple[str, ...]  # each named file's path, as listed
    order: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.order)

    def names(self) -> list[str]:
        """The files' names in :attr:`order`."""
        return [self.named[i][0] for i in self.order]


#: A listed file read by :func:`load_listed`: the file and the tool whose up/down markers it holds.
Loaded = tuple[MigrationFile, Scheme | None]


def scan_dir(directory: str | os.PathLike[str] | None = None) -> MigrationDir | Listing:
    """``directory`` listed (a :class:`Listing`) when it is a flat directory whose files can be read
    in any order, else read whole (Prisma and drizzle-kit layouts, or names that look like drizzle-kit's,
    whose layout the files' content decides). Raises :class:`InputError` as :func:`read_dir` does."""
    root = resolve_dir(directory)
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        raise InputError(f"{root}: cannot list directory: {exc.strerror or exc}") from None
    if _is_prisma(entries):
        return _read_prisma(root, entries)
    journal_path = root / DRIZZLE_JOURNAL
    stray: Journal | None = None
    if journal_path.is_file():
        journal = _journal(journal_path)
        if not _stray_journal(entries, journal):
            return _read_drizzle(root, entries, journal)
        stray = journal
    left_out, named, paths = _list_flat(entries)
    if stray is not None:  # meta/ holds a journal of migrations that are not here
        why = (
            f"drizzle-kit's journal and snapshots, but none of the {len(stray.tags)} migration(s) "
            f"{DRIZZLE_JOURNAL} lists is in the directory: the other files' tool does not read it"
        )
        left_out = [LeftOut(lo.path, why) if lo.path == DRIZZLE_META + "/" else lo for lo in left_out]
    if not named and (diesel := _read_diesel(root, entries)) is not None:
        return diesel
    if any(lo.path.endswith("/") for lo in left_out):
        left_out, named, paths = _flyway_nested(root, left_out, named, paths)
    if looks_like_drizzle(name for name, _ in named):
        loaded = {fname: _load(path, fname, name) for (fname, name), path in zip(named, paths, strict=True)}
        if any(e.name == DRIZZLE_META and e.is_dir() for e in entries) or any(
            f.text is not None and DRIZZLE_BREAKPOINT in f.text for f, _ in loaded.values()
        ):
            return _read_drizzle(root, entries, None)
        resolved = str(root.resolve())
        tool = detect_tool(resolved, (n for _, n in named), ())
        listing = Listing(root, resolved, tool, tuple(left_out), tuple(named), tuple(paths), ())
        return _assembled(listing, {f: m for f, (m, _) in loaded.items()}, [m for _, m in loaded.values()])
    resolved = str(root.resolve())
    tool = detect_tool(resolved, (n for _, n in named), ())
    if tool is Scheme.FLYWAY:
        left_out = [LeftOut(lo.path, flyway_left_out_reason(lo.path) or lo.reason) for lo in left_out]
    if tool is Scheme.GOLANG_MIGRATE and any(n.scheme is not Scheme.GOLANG_MIGRATE for _, n in named):
        # migrate reads only <version>_<name>.up.sql / .down.sql: a 000003_seed.sql beside them never runs
        ignored = {i for i, (_, n) in enumerate(named) if n.scheme is not Scheme.GOLANG_MIGRATE}
        left_out += [
            LeftOut(named[i][0], "not <version>_<name>.up.sql: golang-migrate ignores it")
            for i in sorted(ignored)
        ]
        named = [n for i, n in enumerate(named) if i not in ignored]
        paths = [p for i, p in enumerate(paths) if i not in ignored]
    if (
        tool is Scheme.SUPABASE
        and any(n.scheme is Scheme.SUPABASE for _, n in named)
        and any(n.scheme is not Scheme.SUPABASE for _, n in named)
    ):
        # the Supabase CLI runs only names matching ^\d+_.*\.sql$: it skips 20240101-fix.sql and 0007.sql
        # ("Skipping migration ... file name must match pattern"), so db reset and db push never run them
        # outside a Supabase project the names do not tell the tool: sqlx skips them too ("files that don't
        # match <VERSION>_<DESCRIPTION>.sql are silently ignored"), dbmate (^(\d+).*\.sql$) runs them
        ignored = {i for i, (fname, _) in enumerate(named) if not _SUPABASE_CLI_NAME.match(fname)}
        why = (
            "not <timestamp>_<name>.sql: the Supabase CLI skips it (db reset and db push never run it; "
            "rename it <digits>_<name>.sql if it is a migration)"
            if in_supabase_project(resolved)
            else "not <digits>_<name>.sql as the other files are: the migration tool may skip it, as the "
            "Supabase CLI and sqlx do, while dbmate runs it; rename it <digits>_<name>.sql if it is a "
            "migration"
        )
        left_out += [LeftOut(named[i][0], why) for i in sorted(ignored)]
        named = [n for i, n in enumerate(named) if i not in ignored]
        paths = [p for i, p in enumerate(paths) if i not in ignored]
    if tool is Scheme.SUPABASE:
        left_out, named, paths = _supabase_runs_downs(root, left_out, named, paths)
    if orders_by_name(tool):  # named is in file-name order already
        order: Sequence[int] = range(len(named))
    else:
        order = sorted(range(len(named)), key=lambda i: order_key(tool, named[i][0], named[i][1]))
    return Listing(root, resolved, tool, tuple(left_out), tuple(named), tuple(paths), tuple(order))


def _supabase_runs_downs(
    root: Path, left_out: list[LeftOut], named: list[tuple[str, FileName]], paths: list[str]
) -> tuple[list[LeftOut], list[tuple[str, FileName]], list[str]]:
    """The listing of a Supabase directory with its ``<digits>_<name>.down.sql`` files as migrations: the
    Supabase CLI runs every name matching ``^\\d+_.*\\.sql$``, a down file too (migration ``<name>.down``,
    in name order: before its up file ``<digits>_<name>.sql``, whose version it shares), so db reset and db
    push run the rollback. Listed in file-name order, as the CLI lists them."""
    downs = [
        lo.path
        for lo in left_out
        if lo.reason == "down migration" and "/" not in lo.path and _SUPABASE_CLI_NAME.match(lo.path)
    ]
    if not downs:
        return left_out, named, paths
    kept = [lo for lo in left_out if lo.path not in downs]
    rows = list(zip(named, paths, strict=True))
    for fname in downs:
        version, _, rest = fname.partition("_")
        rows.append(
            ((fname, FileName(version, rest[: -len(".sql")], Scheme.SUPABASE)), os.path.join(root, fname))
        )
    rows.sort(key=lambda row: row[0][0])
    return kept, [r[0] for r in rows], [r[1] for r in rows]


def load_listed(listing: Listing, position: int) -> Loaded:
    """The file at ``position`` of ``listing.order``, read, hashed and decoded (never raises for the
    file: what is wrong with it is in its problems), and the tool whose markers it holds."""
    i = listing.order[position]
    fname, name = listing.named[i]
    return _load(listing.paths[i], fname, name)


def listed_bytes_reach(listing: Listing, limit: int) -> bool:
    """True when the listed files hold at least ``limit`` bytes (one ``stat`` per file, stopping as soon
    as the sum reaches ``limit``); a file that cannot be stat'ed counts as empty."""
    total = 0
    for path in listing.paths:
        try:
            total += os.stat(path).st_size
        except OSError:
            continue
        if total >= limit:
            return True
    return False


def assemble(listing: Listing, loaded: list[Loaded]) -> MigrationDir:
    """The :class:`MigrationDir` of ``listing`` from its files, read in ``listing.order``: the same as
    :func:`read_dir` makes (the owning tool decided with the files' up/down markers, which may reorder
    them)."""
    by_name = {f.path: f for f, _ in loaded}
    return _assembled(listing, by_name, [marker for _, marker in loaded])


def _assembled(
    listing: Listing, by_name: dict[str, MigrationFile], markers: list[Scheme | None]
) -> MigrationDir:
    named = listing.named
    tool = detect_tool(listing.resolved, (n for _, n in named), (m for m in markers if m is not None))
    if tool is listing.tool and listing.order:
        files = tuple(by_name[named[i][0]] for i in listing.order)
    else:
        files = tuple(by_name[fname] for fname, _ in sort_names(tool, named))
    label = "" if tool is not Scheme.SUPABASE or in_supabase_project(listing.resolved) else NEUTRAL_LABEL
    return MigrationDir(
        root=str(listing.root), tool=tool, files=files, left_out=listing.left_out, label=label
    )


def in_supabase_project(resolved: str) -> bool:
    """Whether the directory at ``resolved`` (a real path) is a Supabase project's: a ``supabase``
    directory holds it (``supabase/migrations``, as :func:`~pgconsolidate.sources.naming.detect_tool` reads
    the path), or ``supabase/config.toml`` (what ``supabase init`` writes) is found in it or above it, up to
    the repository's root (a directory holding ``.git``) or a directory it may not look into. A few stat
    calls."""
    path = Path(resolved)
    if "supabase" in path.parts:
        return True
    for d in (path, *path.parents):
        try:
            if (d / "supabase" / "config.toml").is_file():
                return True
            if (d / ".git").exists():
                return False
        except OSError:  # an ancestor we may not look into (is_file raises on EACCES): not a project's
            return False
    return False


def _not_a_file(entry: os.DirEntry[str]) -> str:
    """Why ``entry`` (neither a directory nor a regular file) is left out."""
    if not entry.is_symlink():
        return "not a regular file"
    try:
        os.stat(entry.path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if exc.errno == errno.ENOENT:
            return "broken symbolic link (its target does not exist)"
        return f"symbolic link that cannot be followed ({exc.strerror or exc})"
    return "symbolic link to something that is not a regular file"


def _list_flat(
    entries: list[os.DirEntry[str]],
) -> tuple[list[LeftOut], list[tuple[str, FileName]], list[str]]:
    """The migration files directly in the directory, not read: left out, names, paths."""
    left_out: list[LeftOut] = []
    named: list[tuple[str, FileName]] = []
    paths: list[str] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            reason = "archived migrations" if entry.name.lower() in ARCHIVE_DIRS else "subdirectory"
            left_out.append(LeftOut(entry.name + "/", f"{reason}: not read by the migration tool"))
            continue
        if not is_file:
            left_out.append(LeftOut(entry.name, _not_a_file(entry)))
            continue
        if entry.name.endswith(".disabled") or ".disabled." in entry.name:
            left_out.append(LeftOut(entry.name, "disabled"))
            continue
        if not entry.name.endswith(".sql"):
            go = (
                entry.name.endswith(".go")
                and entry.name[:1].isdigit()
                and not entry.name.endswith("_test.go")
            )
            left_out.append(LeftOut(entry.name, GO_MIGRATION if go else "not a .sql file"))
            continue
        name = parse_filename(entry.name)
        if name is None:
            left_out.append(LeftOut(entry.name, "name has no version prefix: not a migration"))
            continue
        if name.direction == "down":
            left_out.append(LeftOut(entry.name, "down migration"))
            continue
        # files sit directly in the directory: the relative path is the name
        named.append((entry.name, name))
        paths.append(entry.path)
    if len({n.version for _, n in named}) < len(named) and (downs := paired_downs(named)):
        left_out += [
            LeftOut(named[i][0], f"down migration: its up migration is {up}") for i, up in downs.items()
        ]
        named = [n for i, n in enumerate(named) if i not in downs]
        paths = [p for i, p in enumerate(paths) if i not in downs]
    return left_out, named, paths


#: Files looked at in the subdirectories of a directory with no migration of its own before deciding it is
#: not a Flyway location (``pgconsolidate analyze`` run at a project's root).
_FLYWAY_PROBE_FILES = 2000


def _flyway_nested(
    root: Path, left_out: list[LeftOut], named: list[tuple[str, FileName]], paths: list[str]
) -> tuple[list[LeftOut], list[tuple[str, FileName]], list[str]]:
    """The listing of a Flyway location, which Flyway scans recursively: ``db/migration/v2/V2__x.sql``
    is a migration like ``db/migration/V2__x.sql`` (Flyway records its path relative to the location in
    ``flyway_schema_history.script``). When the files directly in ``root`` are Flyway's (or there are
    none and the subdirectories hold Flyway files), each subdirectory's files are listed with their
    relative paths, in path order; otherwise the flat listing is returned unchanged."""
    if named and detect_tool(str(root.resolve()), (n for _, n in named), ()) is not Scheme.FLYWAY:
        return left_out, named, paths
    nested_out: list[LeftOut] = []
    nested: list[tuple[str, FileName, str]] = []
    seen = 0
    for lo in left_out:
        if not lo.path.endswith("/"):
            continue
        for dirpath, dirnames, filenames in os.walk(root / lo.path[:-1]):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
            seen += len(filenames)
            if not named and not nested and seen > _FLYWAY_PROBE_FILES:
                return left_out, named, paths  # a project's tree, not a Flyway location
            rel_dir = Path(dirpath).relative_to(root).as_posix()
            for fname in sorted(filenames):
                if fname.startswith("."):
                    continue
                rel = f"{rel_dir}/{fname}"
                name = parse_filename(fname) if fname.endswith(".sql") else None
                if name is None or name.scheme not in (Scheme.FLYWAY, Scheme.FLYWAY_REPEATABLE):
                    why = flyway_left_out_reason(fname) or (
                        "not a Flyway migration name" if fname.endswith(".sql") else "not a .sql file"
                    )
                    nested_out.append(LeftOut(rel, why))
                elif name.direction == "down":
                    nested_out.append(LeftOut(rel, "down migration"))
                else:
                    nested.append((rel, name, os.path.join(dirpath, fname)))
    if not nested and not named:
        return left_out, named, paths
    flat = [lo for lo in left_out if not lo.path.endswith("/")]
    listed = [(n, fn, p) for (n, fn), p in zip(named, paths, strict=True)] + nested
    listed.sort(key=lambda t: t[0])
    return flat + nested_out, [(n, fn) for n, fn, _ in listed], [p for _, _, p in listed]


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_prisma(entries: list[os.DirEntry[str]]) -> bool:
    """A Prisma migrations directory: it has ``migration_lock.toml``, or no ``.sql`` files of its own
    and a ``<digits>_<name>/migration.sql``."""
    if any(e.name == PRISMA_LOCK for e in entries):
        return True
    if any(e.name.endswith(".sql") for e in entries):
        return False
    return any(
        _is_dir(e)
        and prisma_dir_name(e.name) is not None
        and os.path.isfile(os.path.join(e.path, PRISMA_FILE))
        for e in entries
    )


def _read_diesel(root: Path, entries: list[os.DirEntry[str]]) -> MigrationDir | None:
    """A Diesel directory (no migration files of its own, ``<version>_<name>/up.sql`` subdirectories):
    each ``up.sql`` is one migration, in version order; None when there is no such subdirectory."""
    found = []
    for entry in entries:
        name = diesel_dir_name(entry.name) if _is_dir(entry) else None
        if name is not None and os.path.isfile(os.path.join(entry.path, DIESEL_UP)):
            found.append((name.version, entry.name, name, entry))
    if not found:
        return None
    left_out = [
        LeftOut(e.name + "/", "not a <version>_<name>/up.sql migration") for e in entries if _is_dir(e)
    ]
    left_out = [lo for lo in left_out if lo.path[:-1] not in {f[1] for f in found}]
    left_out += [
        LeftOut(e.name, "not a migration directory") for e in entries if not _is_dir(e) and e.name[:1] != "."
    ]
    files = []
    for _, dirname, name, entry in sorted(found, key=lambda f: (f[0], f[1])):
        files.append(_load(os.path.join(entry.path, DIESEL_UP), f"{dirname}/{DIESEL_UP}", name)[0])
        others = sorted(e.name for e in os.scandir(entry.path) if e.name != DIESEL_UP)
        left_out += [
            LeftOut(
                f"{dirname}/{other}",
                "down migration" if other == "down.sql" else "not up.sql: Diesel does not run it",
            )
            for other in others
        ]
    return MigrationDir(root=str(root), tool=Scheme.DIESEL, files=tuple(files), left_out=tuple(left_out))


def _read_prisma(root: Path, entries: list[os.DirEntry[str]]) -> MigrationDir:
    """Each ``<timestamp>_<name>/migration.sql`` is one migration, in directory-name order (as Prisma
    orders them); everything else is left out with the reason."""
    left_out: list[LeftOut] = []
    files: list[MigrationFile] = []
    for entry in entries:  # sorted by name: Prisma's order
        if entry.name.startswith("."):
            continue
        if not _is_dir(entry):
            reason = (
                "Prisma's provider lock: not a migration"
                if entry.name == PRISMA_LOCK
                else "not a migration directory: Prisma reads only <timestamp>_<name>/migration.sql"
            )
            left_out.append(LeftOut(entry.name, reason))
            continue
        name = prisma_dir_name(entry.name)
        path = os.path.join(entry.path, PRISMA_FILE)
        if name is None:
            left_out.append(
                LeftOut(
                    entry.name + "/", "directory name has no <timestamp>_ prefix: not read as a migration"
                )
            )
            continue
        if not os.path.isfile(path):
            left_out.append(LeftOut(entry.name + "/", f"no {PRISMA_FILE}: Prisma fails on this directory"))
            continue
        files.append(_load(path, f"{entry.name}/{PRISMA_FILE}", name)[0])
        try:
            others = sorted(e.name for e in os.scandir(entry.path) if e.name != PRISMA_FILE)
        except OSError:
            others = []
        left_out.extend(
            LeftOut(f"{entry.name}/{other}", f"not {PRISMA_FILE}: Prisma does not run it") for other in others
        )
    return MigrationDir(root=str(root), tool=Scheme.PRISMA, files=tuple(files), left_out=tuple(left_out))


def _stray_journal(entries: list[os.DirEntry[str]], journal: Journal) -> bool:
    """True when none of the files ``journal`` lists is in the directory while other migration files are
    (``<timestamp>_<name>.sql`` of the Supabase CLI next to a ``meta/`` an earlier drizzle-kit setup left):
    the directory is not drizzle-kit's (its migrate would fail on the first missing file)."""
    names = {e.name for e in entries}
    if not journal.tags or any(f"{tag}.sql" in names for tag in journal.tags):
        return False
    return any(e.name.endswith(".sql") and parse_filename(e.name) is not None for e in entries)


def _journal(path: Path) -> Journal:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return parse_journal(data, str(path))
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _read_drizzle(root: Path, entries: list[os.DirEntry[str]], journal: Journal | None) -> MigrationDir:
    """drizzle-kit's files in the journal's order (by number when there is no journal); a ``.sql`` file
    the journal does not list is left out (drizzle-kit does not apply it), as is ``meta/``."""
    left_out: list[LeftOut] = []
    candidates: dict[str, tuple[str, FileName]] = {}
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.name == DRIZZLE_META and _is_dir(entry):
            left_out.append(LeftOut(entry.name + "/", "drizzle-kit's journal and snapshots: not migrations"))
            continue
        if _is_dir(entry):
            left_out.append(LeftOut(entry.name + "/", "subdirectory: not read by the migration tool"))
            continue
        name = drizzle_file_name(entry.name)
        if name is None:
            reason = "not a .sql file" if not entry.name.endswith(".sql") else "not a drizzle-kit file name"
            left_out.append(LeftOut(entry.name, reason))
            continue
        candidates[entry.name[: -len(".sql")]] = (entry.path, name)
    if journal is None:
        order = sorted(candidates, key=lambda tag: (int(candidates[tag][1].version), tag))
    else:
        order = [tag for tag in journal.tags if tag in candidates]
        listed = set(journal.tags)
        left_out.extend(
            LeftOut(f"{tag}.sql", f"not in {DRIZZLE_JOURNAL}: drizzle-kit does not apply it")
            for tag in sorted(candidates)
            if tag not in listed
        )
        left_out.extend(
            LeftOut(f"{tag}.sql", f"listed in {DRIZZLE_JOURNAL} but missing: drizzle-kit migrate fails")
            for tag in journal.tags
            if tag not in candidates
        )
    files = tuple(_load(candidates[tag][0], f"{tag}.sql", candidates[tag][1])[0] for tag in order)
    whens = dict(zip(journal.tags, journal.whens, strict=False)) if journal is not None else {}
    times = tuple((f"{tag}.sql", w) for tag in order if (w := whens.get(tag)) is not None)
    return MigrationDir(
        root=str(root), tool=Scheme.DRIZZLE, files=files, left_out=tuple(left_out), journal_times=times
    )
