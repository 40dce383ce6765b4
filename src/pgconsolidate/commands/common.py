"""Options and helpers shared by command modules.

Cheap to import (typer, the standard library and :mod:`pgconsolidate.errors` only): the CLI imports it
for every run, ``--version`` included. What needs Rich, a stage or the database is imported inside the
function that uses it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pgconsolidate.errors import InputError


@dataclass(frozen=True)
class GlobalOptions:
    """Options given before the command name (``pgconsolidate --database-url URL analyze``)."""

    database_url: str | None = None
    scratch_url: str | None = None


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def global_options(ctx: typer.Context) -> GlobalOptions:
    root = ctx.find_root()
    obj = root.obj
    return obj if isinstance(obj, GlobalOptions) else GlobalOptions()


#: The help of a command's DIR argument (``sources.reader.DEFAULT_DIRS``, in the order they are tried).
DIRECTORY_HELP = (
    "Migrations directory (default: supabase/migrations, else migrations, prisma/migrations, drizzle, "
    "else .)."
)

DatabaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="PostgreSQL URL of the live database (default: $DATABASE_URL).",
        show_default=False,
    ),
]
ScratchUrlOption = Annotated[
    str | None,
    typer.Option(
        "--scratch-url",
        help="Server on which throwaway databases are created (default: the embedded PostgreSQL 18).",
        show_default=False,
    ),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]
BackupDirOption = Annotated[
    Path | None, typer.Option("--backup-dir", help="Where backups are (default: .pgconsolidate/backups).")
]
LockTimeoutOption = Annotated[
    str, typer.Option("--lock-timeout", help="Wait this long for the advisory lock (e.g. 30s).")
]
IncludeManagedOption = Annotated[
    bool,
    typer.Option(
        "--include-managed",
        help="Also read Supabase-managed schemas (auth, storage, realtime, extensions, ...).",
    ),
]
IncludeExtensionObjectsOption = Annotated[
    bool,
    typer.Option("--include-extension-objects", help="Also read objects that belong to extensions."),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        help="Leave an attribute out of the comparison (repeatable), e.g. --ignore owner. "
        "What is ignored is printed with the result.",
        show_default=False,
    ),
]


def resolve_database_url(ctx: typer.Context, value: str | None, *, required: bool = False) -> str | None:
    """The URL from the command, else the global option, else ``$DATABASE_URL``."""
    if required:
        return require_database_url(ctx, value)
    return value or global_options(ctx).database_url or os.environ.get("DATABASE_URL") or None


def require_database_url(ctx: typer.Context, value: str | None) -> str:
    """:func:`resolve_database_url` for a command that cannot run without a live database."""
    url = value or global_options(ctx).database_url or os.environ.get("DATABASE_URL")
    if not url:
        raise InputError("no database: pass --database-url URL or set DATABASE_URL")
    return url


def reachable_database_url(ctx: typer.Context, value: str | None) -> str:
    """:func:`require_database_url`, then one connection opened and closed: a wrong URL, host or password
    is a one-line error before any progress is shown or any work is done."""
    from pgconsolidate.db.connect import connection

    url = require_database_url(ctx, value)
    with connection(url, autocommit=True):
        pass
    return url


def readable_file(path: Path | None, what: str, *, text: bool = False) -> None:
    """Fail with one line unless ``path`` (when given) is a file this process can open (and, with
    ``text``, whose bytes are UTF-8): checked before the database is touched, so a typo in a file name
    is not reported as something else."""
    if path is None:
        return
    if not path.exists():
        raise InputError(f"{path}: no such {what} file")
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    try:
        with path.open("rb") as fh:
            data = fh.read() if text else b""
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what} file: {exc.strerror or exc}") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"{path}:{line}: the {what} file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at column "
            f"{column}); save it as UTF-8"
        ) from None


def load_manifest(path: Path, what: str, *, after: str = "") -> object | None:
    """The JSON document at ``path`` (a manifest ``consolidate`` wrote), or None when there is no such file;
    a file that cannot be read or parsed is a one-line input error naming ``what`` (``after`` is appended,
    e.g. "; nothing was restored")."""
    import json

    if not path.is_file():
        return None
    try:
        doc: object = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the {what} ({exc}){after}") from None
    return doc


def usable_directory(path: Path | None, what: str) -> None:
    """Fail with one line when ``path`` (when given) exists but is not a directory (``--backup-dir``
    pointed at a file): checked before the database is touched."""
    if path is not None and path.exists() and not path.is_dir():
        raise InputError(f"{path}: not a directory (the {what} directory)")


def new_output_directory(path: Path) -> None:
    """Fail with one line unless ``path`` can become an output directory (``consolidate --out``, ``demo
    --out``): new or empty, under a directory where one can be created. Checked before the replays, which
    take minutes on a large directory, rather than when the first file is written."""
    import tempfile

    if path.exists() and not path.is_dir():
        raise InputError(f"--out {path}: a file is in the way (the output is a new or empty directory)")
    if path.is_dir() and any(path.iterdir()):
        raise InputError(f"output directory {path} is not empty: choose a new one (nothing was written)")
    where = path.absolute()
    while not where.exists():
        where = where.parent
    if not where.is_dir():
        raise InputError(f"--out {path}: {where} is not a directory")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".pgconsolidate-probe-", dir=where))
    except OSError as exc:
        raise InputError(
            f"--out {path}: cannot create a directory in {where}: {exc.strerror or exc}"
        ) from None


def resolve_scratch_url(ctx: typer.Context, value: str | None) -> str | None:
    return value or global_options(ctx).scratch_url or os.environ.get("PGCONSOLIDATE_SCRATCH_URL") or None


def parse_seconds(value: str, option: str = "--lock-timeout") -> float:
    """``30``, ``30s``, ``500ms``, ``2min`` → seconds."""
    v = value.strip().lower()
    for suffix, factor in (("ms", 0.001), ("min", 60.0), ("s", 1.0), ("m", 60.0)):
        if v.endswith(suffix):
            v, mult = v[: -len(suffix)], factor
            break
    else:
        mult = 1.0
    try:
        return float(v) * mult
    except ValueError:
        raise InputError(f"{option} {value!r}: expected seconds, e.g. 30s or 500ms") from None


def pg_duration(value: str, option: str) -> str:
    """``value`` when PostgreSQL takes it as a time setting (``5s``, ``500ms``, ``30min``, ``1h``, ``0``),
    else a one-line input error: checked before a backup is taken, not at the first migration."""
    import re

    if not re.fullmatch(r"\s*\d+(?:\.\d+)?\s*(?:us|ms|s|min|h|d)?\s*", value):
        raise InputError(f"{option} {value!r}: expected a PostgreSQL duration, e.g. 5s, 500ms, 30min or 1h")
    return value


def checked_ignore(ignore: list[str] | None) -> frozenset[str]:
    """The ``--ignore`` attributes, each a field of some catalog object (else an input error naming them)."""
    from dataclasses import fields

    from pgconsolidate.catalog import OBJECT_KINDS

    ignored = frozenset(ignore or ())
    known = {f.name for cls in OBJECT_KINDS.values() for f in fields(cls) if f.name != "identity"}
    unknown = sorted(ignored - known)
    if unknown:
        raise InputError(
            f"--ignore {', '.join(unknown)}: no such attribute (known: {', '.join(sorted(known))})"
        )
    return ignored


def emit_json(doc: object) -> None:
    """Write a ``--format json`` result to stdout as plain JSON (Rich's ``print_json`` takes seconds on a
    snapshot of thousands of objects, and colours nothing in a pipe anyway)."""
    import json

    from pgconsolidate.console import out

    out.file.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    out.file.flush()


def writable_output(path: str | Path) -> Path:
    """Fail with one line unless ``path`` can be an output file: not a directory, in a directory that
    exists. Checked before any work is done, so a typo costs no replay."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"cannot write {target}: it is a directory (give a file name)")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"cannot write {target}: directory {directory} does not exist")
    if not special_file(target) and not os.access(directory, os.W_OK):
        raise InputError(f"cannot write {target}: directory {directory} is read-only for this user")
    return target


def special_file(path: Path) -> bool:
    """Whether ``path`` exists and is neither a regular file nor a directory: ``/dev/stdout``, a named
    pipe, a device. Such a file is written into, never replaced (a rename would put a regular file in
    place of ``/dev/stdout``, or of ``/dev/full``, for every program on the machine)."""
    return path.exists() and not path.is_file() and not path.is_dir()


def write_output(path: str | Path, text: str) -> None:
    """Write a file the user asked for (``--output``, ``--snapshot``, ``plan -o``) atomically: a temporary
    file in the same directory, fsync, then replace. ``/dev/stdout``, a pipe or a device is written into
    as it is. The directory must exist; failures (a read-only directory, a full disk) are one-line input
    errors, and leave no partial file."""
    from pgconsolidate.fsio import write_atomic

    target = writable_output(path)
    try:
        if special_file(target):
            with target.open("w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            write_atomic(target, text)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None


@contextmanager
def progress_steps(title: str) -> Iterator[Callable[[str], None]]:
    """A Rich progress line on stderr that shows the current step of a long operation (on a terminal;
    in a log, one line per step instead)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from pgconsolidate.console import err

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(title, total=None)

        def step(message: str) -> None:
            progress.update(task, description=f"{title}: {message}")
            if not err.is_terminal:
                err.print(f"  {message}", markup=False)

        yield step


def print_items(items: Sequence[str], *, indent: str = "  ", limit: int | None = None) -> None:
    """One indented plain-text line per item (no Rich markup: items hold names and paths), at most
    ``limit`` of them and then how many more there are."""
    from pgconsolidate.console import out

    shown = items if limit is None else items[:limit]
    for item in shown:
        out.print(f"{indent}{item}", markup=False)
    if len(shown) < len(items):
        out.print(f"{indent}... and {len(items) - len(shown)} more", markup=False)
