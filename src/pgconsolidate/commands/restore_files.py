"""``pgconsolidate restore-files OUTDIR``: undo every change consolidate made to the user's directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pgconsolidate.commands.common import load_manifest
from pgconsolidate.console import out
from pgconsolidate.errors import InputError


def _check_manifest(outdir: Path) -> None:
    """Fail with one line (nothing restored) unless ``OUTDIR/archive/MANIFEST.json`` is the archive manifest
    ``consolidate`` writes: JSON with ``source_dir`` and ``files`` (each with ``path`` and ``action``)."""
    mpath = outdir / "archive" / "MANIFEST.json"
    doc = load_manifest(mpath, "archive manifest", after="; nothing was restored")
    if doc is None:
        return  # restore_files says it is not an output directory
    files = doc.get("files") if isinstance(doc, dict) else None
    if (
        not isinstance(doc, dict)
        or not isinstance(doc.get("source_dir"), str)
        or not isinstance(files, list)
        or not all(isinstance(e, dict) and "path" in e and "action" in e for e in files)
    ):
        raise InputError(f"{mpath}: not a pgconsolidate archive manifest; nothing was restored")


def restore_files(
    outdir: Annotated[Path, typer.Argument(help="Output directory of `pgconsolidate consolidate`.")],
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Directory to restore (default: recorded).")
    ] = None,
) -> None:
    """Put the migrations directory back byte-identical, from OUTDIR/archive/MANIFEST.json."""
    from pgconsolidate.archive.files import restore_files as run

    _check_manifest(outdir)
    done = run(outdir, directory)
    for line in done:
        out.print(line, markup=False)
    out.print(f"{len(done)} change(s) undone", markup=False)


def register(app: typer.Typer) -> None:
    app.command("restore-files")(restore_files)
