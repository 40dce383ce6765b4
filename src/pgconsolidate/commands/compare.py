"""``pgconsolidate compare A B`` (alias ``diff``): are two schemas the same, and if not, how do they differ?

A and B are each a database URL, a migrations directory (replayed into a throwaway scratch database) or
a snapshot JSON written by ``inspect --format json`` / ``inspect --output``. The comparison itself is the
pure :func:`pgconsolidate.compare.diff_snapshots`; this module only turns arguments into snapshots and
prints the result.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import fields
from pathlib import Path
from typing import Annotated

import typer

from pgconsolidate.catalog import OBJECT_KINDS, Snapshot, read_snapshot, read_snapshot_file
from pgconsolidate.catalog.reader import read_snapshots
from pgconsolidate.commands.common import FormatOption, OutputFormat, ScratchUrlOption, resolve_scratch_url
from pgconsolidate.compare import SnapshotDiff, diff_snapshots
from pgconsolidate.compare.render import text_lines, to_json
from pgconsolidate.console import out
from pgconsolidate.errors import EXIT_FOUND, InputError
from pgconsolidate.redact import redact_url
from pgconsolidate.replay import replay_to_snapshot

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


def known_attributes() -> set[str]:
    return {f.name for cls in OBJECT_KINDS.values() for f in fields(cls) if f.name != "identity"}


def _looks_like_url(arg: str) -> bool:
    return arg.startswith(("postgres://", "postgresql://")) or ("=" in arg and not os.path.exists(arg))


def replay_directory_snapshot(
    directory: str,
    scratch_url: str | None,
    *,
    include_extension_objects: bool = False,
    include_managed_schemas: bool = False,
) -> Snapshot:
    """Build the chain of ``directory`` in a throwaway scratch database (the replay stage, which reports
    failures and stand-ins on stderr) and read its schema."""
    return replay_to_snapshot(
        directory,
        scratch_url=scratch_url,
        include_extension_objects=include_extension_objects,
        include_managed_schemas=include_managed_schemas,
    )


def load_snapshot_arg(
    arg: str,
    *,
    scratch_url: str | None,
    include_extension_objects: bool = False,
    include_managed_schemas: bool = False,
) -> Snapshot:
    """A compare/inspect argument as a snapshot: a database URL, a migrations directory or a JSON file."""
    path = Path(arg)
    if not _looks_like_url(arg) and path.is_dir():
        return replay_directory_snapshot(
            arg,
            scratch_url,
            include_extension_objects=include_extension_objects,
            include_managed_schemas=include_managed_schemas,
        )
    if not _looks_like_url(arg) and path.is_file():
        return read_snapshot_file(path)
    if _looks_like_url(arg):
        return read_snapshot(
            arg,
            include_extension_objects=include_extension_objects,
            include_managed_schemas=include_managed_schemas,
        )
    raise InputError(
        f"{redact_url(arg)}: not a database URL (postgresql://...), a migrations directory or a snapshot file"
    )


def emit_json(doc: object) -> None:
    """Write a JSON result to the results console as plain text (Rich's print_json takes seconds on a
    snapshot of thousands of objects)."""
    out.file.write(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    out.file.flush()


def write_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory (fsync, then replace)."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"cannot write {target}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None


def print_diff(result: SnapshotDiff, *, a_label: str = "A", b_label: str = "B") -> None:
    """Text output: one line per differing object, then a summary."""
    colour = {"+": "green", "-": "red", "~": "yellow"}
    for line in text_lines(result, a_label=a_label, b_label=b_label):
        out.print(f"[{colour[line[0]]}]{line[0]}[/] ", end="")
        out.print(line[2:], markup=False)
    for note in result.notes:
        out.print(f"note: {note}", markup=False)
    c = result.counts()
    ignored = f" (not compared: {', '.join(result.ignored)})" if result.ignored else ""
    if result.equivalent:
        out.print(f"equivalent: no differences{ignored}")
    else:
        out.print(
            f"{len(result.differences)} differences: {c['added']} only in {b_label}, "
            f"{c['removed']} only in {a_label}, {c['changed']} changed{ignored}"
        )


def compare(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="Database URL, migrations directory or snapshot JSON.")],
    b: Annotated[str, typer.Argument(help="Database URL, migrations directory or snapshot JSON.")],
    fmt: FormatOption = OutputFormat.text,
    include_managed: IncludeManagedOption = False,
    include_extension_objects: IncludeExtensionObjectsOption = False,
    ignore: IgnoreOption = None,
    scratch_url: ScratchUrlOption = None,
) -> None:
    """Compare two schemas object by object (exit 0 when equivalent, 1 when they differ)."""
    ignored = frozenset(ignore or ())
    unknown = sorted(ignored - known_attributes())
    if unknown:
        raise InputError(
            f"--ignore {', '.join(unknown)}: no such attribute "
            f"(known: {', '.join(sorted(known_attributes()))})"
        )
    scratch = resolve_scratch_url(ctx, scratch_url)
    options = {
        "include_extension_objects": include_extension_objects,
        "include_managed_schemas": include_managed,
    }
    if a != b and _looks_like_url(a) and _looks_like_url(b):
        snap_a, snap_b = read_snapshots([a, b], **options)  # two live databases: read at the same time
    else:
        snap_a = load_snapshot_arg(a, scratch_url=scratch, **options)
        # the same argument twice (a chain compared with itself) is read or replayed once
        snap_b = snap_a if b == a else load_snapshot_arg(b, scratch_url=scratch, **options)
    result = diff_snapshots(snap_a, snap_b, ignore=ignored)
    if fmt is OutputFormat.json:
        emit_json(to_json(result))
    else:
        out.print(f"A: {snap_a.source}", markup=False)
        out.print(f"B: {snap_b.source}", markup=False)
        print_diff(result)
    if not result.equivalent:
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
    app.command("diff", help="Alias of compare.")(compare)
