"""``pgconsolidate rollback``: restore the latest (or a given) backup in place, after a safety backup.

The restore runs in one transaction; afterwards row counts and the catalog are compared with the
backup's manifest. ``--output DIR`` (a consolidate output) also puts the archived migration files back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pgconsolidate.commands.apply import parse_seconds
from pgconsolidate.commands.backup import progress_steps
from pgconsolidate.commands.common import (
    DatabaseUrlOption,
    FormatOption,
    OutputFormat,
    ScratchUrlOption,
    resolve_database_url,
    resolve_scratch_url,
)
from pgconsolidate.console import out
from pgconsolidate.deploy.rollback import rollback
from pgconsolidate.errors import EXIT_FOUND


def rollback_command(
    ctx: typer.Context,
    database_url: DatabaseUrlOption = None,
    backup_file: Annotated[
        Path | None,
        typer.Option("--backup", help="Backup (.dump or .manifest.json) to restore; default: the latest."),
    ] = None,
    backup_dir: Annotated[
        Path | None, typer.Option("--backup-dir", help="Where backups are (default: .pgconsolidate/backups).")
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option("--output", help="Consolidate output directory whose archived files are put back."),
    ] = None,
    lock_timeout: Annotated[str, typer.Option("--lock-timeout", help="Wait this long for the lock.")] = "30s",
    scratch_url: ScratchUrlOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Restore a backup in place (one transaction), after taking a safety backup of the current state."""
    url = resolve_database_url(ctx, database_url, required=True)
    assert url is not None
    with progress_steps("rollback") as step:
        result = rollback(
            url,
            backup_file=backup_file,
            backup_dir=backup_dir,
            scratch_url=resolve_scratch_url(ctx, scratch_url),
            output_dir=output_dir,
            wait=parse_seconds(lock_timeout),
            step=step,
        )
    safety = result.safety.manifest_file if result.safety else None
    if fmt is OutputFormat.json:
        doc = {
            "schema_version": 1,
            "restored": str(result.backup.manifest_file),
            "safety_backup": str(safety) if safety else None,
            "problems": result.problems,
            "restored_files": result.restored_files,
        }
        out.print_json(json.dumps(doc))
    else:
        out.print(
            f"restored: {result.backup.dump_file} (taken {result.backup.manifest.created_at})", markup=False
        )
        if safety:
            out.print(f"safety backup of the state before the rollback: {safety}", markup=False)
        for f in result.restored_files:
            out.print(f"re-enabled: {f}", markup=False)
        if result.problems:
            out.print("[bold red]the database differs from the backup's manifest:[/]")
            for p in result.problems:
                out.print(f"  {p}", markup=False)
        else:
            out.print("verified: row counts and catalog equal the backup's manifest")
    if result.problems:
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("rollback")(rollback_command)
