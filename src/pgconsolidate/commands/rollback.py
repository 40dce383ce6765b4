"""``pgconsolidate rollback``: restore the latest (or a given) backup in place, after a safety backup.

The restore runs in one transaction; afterwards row counts and the catalog are compared with the
backup's manifest. ``--output DIR`` (a consolidate output) also puts the archived migration files back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pgconsolidate.commands.common import (
    BackupDirOption,
    DatabaseUrlOption,
    FormatOption,
    LockTimeoutOption,
    OutputFormat,
    ScratchUrlOption,
    emit_json,
    parse_seconds,
    print_items,
    progress_steps,
    reachable_database_url,
    readable_file,
    resolve_scratch_url,
    usable_directory,
)
from pgconsolidate.console import out
from pgconsolidate.errors import EXIT_FOUND


def rollback_command(
    ctx: typer.Context,
    database_url: DatabaseUrlOption = None,
    backup_file: Annotated[
        Path | None,
        typer.Option("--backup", help="Backup (.dump or .manifest.json) to restore; default: the latest."),
    ] = None,
    backup_dir: BackupDirOption = None,
    output_dir: Annotated[
        Path | None,
        typer.Option("--output", help="Consolidate output directory whose archived files are put back."),
    ] = None,
    lock_timeout: LockTimeoutOption = "30s",
    scratch_url: ScratchUrlOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Restore a backup in place (one transaction), after taking a safety backup of the current state."""
    from pgconsolidate.deploy.rollback import rollback

    readable_file(backup_file, "backup")
    usable_directory(backup_dir, "backup")
    wait = parse_seconds(lock_timeout)
    url = reachable_database_url(ctx, database_url)
    with progress_steps("rollback") as step:
        result = rollback(
            url,
            backup_file=backup_file,
            backup_dir=backup_dir,
            scratch_url=resolve_scratch_url(ctx, scratch_url),
            output_dir=output_dir,
            wait=wait,
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
        emit_json(doc)
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
            print_items(result.problems)
        else:
            out.print("verified: row counts and catalog equal the backup's manifest")
    if result.problems:
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("rollback")(rollback_command)
