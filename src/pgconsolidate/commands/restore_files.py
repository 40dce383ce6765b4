"""``pgconsolidate restore-files OUTDIR``: undo every change consolidate made to the user's directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pgconsolidate.console import out


def restore_files(
    outdir: Annotated[Path, typer.Argument(help="Output directory of `pgconsolidate consolidate`.")],
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Directory to restore (default: recorded).")
    ] = None,
) -> None:
    """Put the migrations directory back byte-identical, from OUTDIR/archive/MANIFEST.json."""
    from pgconsolidate.archive.files import restore_files as run

    done = run(outdir, directory)
    for line in done:
        out.print(line, markup=False)
    out.print(f"{len(done)} change(s) undone", markup=False)


def register(app: typer.Typer) -> None:
    app.command("restore-files")(restore_files)
