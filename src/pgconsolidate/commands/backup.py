"""``pgconsolidate backup``: a verified ``pg_dump -Fc`` of the live database, with its manifest.

The dump is restored into a scratch database and compared (catalog and exact row counts) before the
backup is called verified. Backups go to ``.pgconsolidate/backups/`` unless ``--out DIR``; ``apply`` and
``rollback`` find the latest one there.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pgconsolidate.commands.common import (
    DatabaseUrlOption,
    FormatOption,
    OutputFormat,
    ScratchUrlOption,
    emit_json,
    print_items,
    progress_steps,
    reachable_database_url,
    resolve_scratch_url,
    usable_directory,
)
from pgconsolidate.console import out
from pgconsolidate.errors import EXIT_FOUND

if TYPE_CHECKING:
    from pgconsolidate.deploy.backup import Backup

OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "--backup-dir",
        help="Directory for the backup (default: .pgconsolidate/backups); --backup-dir, as apply, check and "
        "rollback spell it.",
        show_default=False,
    ),
]


def backup_summary(b: Backup) -> dict[str, object]:
    m = b.manifest
    return {
        "file": str(b.dump_file),
        "manifest": str(b.manifest_file),
        "sha256": m.sha256,
        "size": m.size,
        "database": m.database,
        "server_version": m.server_version_text,
        "tables": len(m.row_counts),
        "rows": sum(m.row_counts.values()),
        "verified": m.verification.ok,
        "verification": asdict(m.verification),
    }


def print_backup(b: Backup) -> None:
    m = b.manifest
    out.print(f"backup:   {b.dump_file}", markup=False)
    out.print(f"manifest: {b.manifest_file}", markup=False)
    out.print(
        f"{m.database} (PostgreSQL {m.server_version_text}): {len(m.row_counts)} tables, "
        f"{sum(m.row_counts.values())} rows, {m.size} bytes, sha256 {m.sha256[:16]}…",
        markup=False,
    )
    if m.verification.ok:
        out.print(
            f"verified: restored on a scratch database in {m.verification.seconds:.1f}s; "
            "catalog and row counts equal"
        )
    else:
        out.print("[bold red]NOT verified[/]: the restored copy differs from the source:")
        print_items(m.verification.problems)


def backup(
    ctx: typer.Context,
    database_url: DatabaseUrlOption = None,
    out_dir: OutOption = None,
    scratch_url: ScratchUrlOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Back up the live database with pg_dump -Fc and verify the backup by restoring it."""
    from pgconsolidate.deploy.backup import take_backup

    usable_directory(out_dir, "backup")
    url = reachable_database_url(ctx, database_url)
    new_dir = out_dir is not None and not out_dir.exists()
    try:
        with progress_steps("backup") as step:
            b = take_backup(
                url, out_dir=out_dir, scratch_url=resolve_scratch_url(ctx, scratch_url), step=step
            )
    except BaseException:
        if new_dir and out_dir is not None and out_dir.is_dir() and not any(out_dir.iterdir()):
            out_dir.rmdir()  # a failed or interrupted backup leaves no empty directory behind
        raise
    if fmt is OutputFormat.json:
        emit_json({"schema_version": 1, **backup_summary(b)})
    else:
        print_backup(b)
    if not b.manifest.verification.ok:
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
