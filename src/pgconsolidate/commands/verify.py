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
    progress_steps,
    resolve_database_url,
    resolve_scratch_url,
)
from pgconsolidate.console import out


def verify(
    ctx: typer.Context,
    outdir: Annotated[Path, typer.Argument(help="Output directory of `pgconsolidate consolidate`.")],
    database_url: DatabaseUrlOption = None,
    scratch_url: ScratchUrlOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Check that the clean set equals the old chain + the fix (and the live database + the fix)."""
    from pgconsolidate.verify.pipeline import VERIFY_INFO, verify_outdir

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
