"""``pgconsolidate verify OUTDIR [--database-url URL]``: re-prove a consolidation output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pgconsolidate.commands.common import (
    DatabaseUrlOption,
    FormatOption,
    OutputFormat,
    ScratchUrlOption,
    load_manifest,
    progress_steps,
    resolve_database_url,
    resolve_scratch_url,
)
from pgconsolidate.console import out


def _check_output_manifest(outdir: Path) -> None:
    """Fail with one line unless ``OUTDIR/pgconsolidate-output.json`` (when there) is the JSON object
    ``consolidate`` writes, naming a fix file that exists: a truncated or foreign file was an internal
    error."""
    from pgconsolidate.errors import InputError

    mpath = outdir / "pgconsolidate-output.json"
    doc = load_manifest(mpath, "output manifest")
    if doc is None:
        return  # verify_outdir says it is not an output directory
    fix = doc.get("fix") if isinstance(doc, dict) else None
    if not isinstance(fix, str):
        raise InputError(f"{mpath}: not a pgconsolidate output manifest (no `fix`)")
    if not (outdir / fix).is_file():
        raise InputError(f"{outdir / fix}: the fix the output manifest names is missing")


def verify(
    ctx: typer.Context,
    outdir: Annotated[Path, typer.Argument(help="Output directory of `pgconsolidate consolidate`.")],
    database_url: DatabaseUrlOption = None,
    scratch_url: ScratchUrlOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Check that the clean set equals the old chain + the fix (and the live database + the fix)."""
    from pgconsolidate.verify.pipeline import VERIFY_INFO, verify_outdir

    _check_output_manifest(outdir)
    with progress_steps("verify") as step:
        res = verify_outdir(
            outdir,
            resolve_database_url(ctx, database_url),
            resolve_scratch_url(ctx, scratch_url),
            step=step,
        )
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(res))
    else:
        for key, value in res.items():
            if isinstance(value, list) and key not in VERIFY_INFO:
                out.print(f"{key}: {'ok' if not value else f'{len(value)} differences'}", markup=False)
                for d in value:
                    out.print(f"  {d}", markup=False)
        for line in res.get("stand_ins", []):
            out.print(f"stand-in: {line}", markup=False)
        for line in res.get("live_copy_notes", []):
            out.print(f"live copy: {line}", markup=False)
        out.print("ok" if res["ok"] else "differences found", markup=False)
    if not res["ok"]:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
