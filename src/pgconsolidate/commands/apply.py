"""``pgconsolidate apply DIR``: apply pending migrations (or a consolidate output) safely.

Always behind a verified backup (taken now, or ``--backup FILE``), under an advisory lock, one
transaction per migration with its history row. ``--dry-run`` shows what would run and changes nothing;
like the apply, it refuses (exit 2) when the role lacks a right the pending migrations certainly need.
With ``--probes FILE`` the behaviour probes run before and after, and any change is reported.
Files that cannot run in a transaction must say ``-- pgconsolidate: no-transaction``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pgconsolidate.commands.backup import print_backup
from pgconsolidate.commands.common import (
    DatabaseUrlOption,
    FormatOption,
    LockTimeoutOption,
    OutputFormat,
    ScratchUrlOption,
    emit_json,
    parse_seconds,
    pg_duration,
    progress_steps,
    reachable_database_url,
    readable_file,
    require_database_url,
    resolve_scratch_url,
    usable_directory,
)
from pgconsolidate.console import err, out
from pgconsolidate.errors import EXIT_FOUND, DatabaseError, InputError

if TYPE_CHECKING:
    from pgconsolidate.deploy.apply import ApplyResult
    from pgconsolidate.deploy.source import ApplySource


def apply_command(
    ctx: typer.Context,
    directory: Annotated[str, typer.Argument(help="Migrations directory or consolidate output directory.")],
    database_url: DatabaseUrlOption = None,
    backup_file: Annotated[
        Path | None,
        typer.Option("--backup", help="Use this verified backup instead of taking one.", show_default=False),
    ] = None,
    backup_dir: Annotated[
        Path | None, typer.Option("--backup-dir", help="Where to write the backup.", show_default=False)
    ] = None,
    lock_timeout: LockTimeoutOption = "30s",
    table_lock_timeout: Annotated[
        str, typer.Option("--table-lock-timeout", help="SET LOCAL lock_timeout of each migration.")
    ] = "5s",
    statement_timeout: Annotated[
        str, typer.Option("--statement-timeout", help="SET LOCAL statement_timeout of each migration.")
    ] = "30min",
    probes: Annotated[
        Path | None,
        typer.Option(
            "--probes", help="Probes TOML: run before and after, report changes.", show_default=False
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would run; change nothing.")] = False,
    unverified: Annotated[
        bool,
        typer.Option("--unverified", help="Apply a consolidate output whose proof found differences."),
    ] = False,
    scratch_url: ScratchUrlOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Apply pending migrations, each in its own transaction, after a verified backup."""
    from pgconsolidate.deploy.apply import ApplyOptions, apply, refuse_missing_rights
    from pgconsolidate.deploy.probes import compare_runs, load_probes, record_run, run_probes
    from pgconsolidate.deploy.source import read_source

    url = require_database_url(ctx, database_url)
    # a dry run changes nothing: it shows what an unverified output would run, then says it is refused
    source = read_source(directory, allow_unverified=unverified or dry_run)
    probe_set = load_probes(probes) if probes else None
    readable_file(backup_file, "backup")
    usable_directory(backup_dir, "backup")
    wait = parse_seconds(lock_timeout)
    pg_duration(table_lock_timeout, "--table-lock-timeout")
    pg_duration(statement_timeout, "--statement-timeout")
    reachable_database_url(ctx, url)
    if source.migrations is not None and not source.migrations.files:
        from pgconsolidate.replay.nested import nested_hint

        raise InputError(
            f"{source.root}: no migration files to apply{nested_hint(source.migrations)}; nothing was changed"
        )
    _refuse_sqlx_history(url, source)
    opts = ApplyOptions(
        lock_timeout=table_lock_timeout,
        statement_timeout=statement_timeout,
        wait=wait,
        dry_run=dry_run,
        backup_file=backup_file,
        backup_dir=backup_dir,
        scratch_url=resolve_scratch_url(ctx, scratch_url),
    )
    before = None
    if probe_set and not dry_run:
        refuse_missing_rights(url, source)  # before the probes' recording: a refused apply leaves nothing
        before = run_probes(url, probe_set)
        record_run(url, before, "before-apply")
    with progress_steps("apply") as step:
        result = apply(url, source, opts, step=step)
    refusal = _dry_run_refusal(url, source) if dry_run and result.pending else None
    if dry_run and refusal is None and not unverified:
        refusal = _unverified_refusal(directory)
    after = None
    changes: list[str] = []
    if probe_set and before is not None and result.applied:
        after = run_probes(url, probe_set)
        record_run(url, after, "after-apply")
        changes = compare_runs(before, after)
    if fmt is OutputFormat.json:
        doc = {
            "schema_version": 1,
            "history": result.history,
            "dry_run": dry_run,
            "pending": [{"version": u.version, "files": list(u.paths)} for u in result.pending],
            "applied": [{"version": u.version, "files": list(u.paths)} for u in result.applied],
            "backup": str(result.backup.dump_file) if result.backup else None,
            "backup_note": result.backup_note,
            "failed": result.failed,
            "baseline": str(result.baseline) if result.baseline else None,
            "baseline_note": result.baseline_note,
            "history_notes": result.history_notes,
            "probe_changes": changes,
        }
        if dry_run:
            doc["refused"] = refusal
        emit_json(doc)
    else:
        _print_text(result, dry_run, changes)
    if refusal is not None:
        raise DatabaseError(refusal)
    if result.failed or changes:
        raise typer.Exit(EXIT_FOUND)


def _refuse_sqlx_history(url: str, source: ApplySource) -> None:
    """A migrations directory whose names sqlx shares (``<version>_<name>.sql``, ``.up.sql``) is sqlx's
    when the database keeps only ``_sqlx_migrations``: apply would record it in another tool's table and
    run every file again. Refused (apply writes sqlx rows only for a consolidate output)."""
    from pgconsolidate.db.connect import connection
    from pgconsolidate.deploy.history_table import target_for
    from pgconsolidate.history.reader import history_tables
    from pgconsolidate.history.reconcile import SQLX_LOOKALIKES

    if source.migrations is None or source.tool not in SQLX_LOOKALIKES:
        return
    with connection(url, autocommit=True) as conn:
        tables = history_tables(conn)  # found by name and columns; their rows are not read
    target = target_for(source.tool)
    sqlx = [t for t, tool in tables.items() if tool == "sqlx"]
    if sqlx and target.display not in tables:
        raise InputError(
            f"{source.root}: the database's migration history is sqlx's {sqlx[0]} (file names alone cannot "
            f"tell sqlx from {source.tool}; the history table decides): apply does not write sqlx history "
            "for single files (its checksums are SHA-384 of each file's bytes); apply them with "
            "`sqlx migrate run`; nothing was changed"
        )


def _dry_run_refusal(url: str, source: ApplySource) -> str | None:
    """The one-line refusal the real apply would give for a missing right (``deploy.rights``), or None."""
    from pgconsolidate.deploy.apply import refuse_missing_rights

    try:
        refuse_missing_rights(url, source)
    except DatabaseError as exc:
        return exc.message.replace("nothing was backed up or changed", "the apply would be refused")
    return None


def _unverified_refusal(directory: str) -> str | None:
    """The refusal the real apply gives an output whose proof found differences (without --unverified)."""
    from pgconsolidate.deploy.source import read_source

    try:
        read_source(directory)
    except InputError as exc:
        return exc.message.replace(
            "or pass --unverified to apply it anyway", "or pass --unverified: the apply would be refused"
        )
    return None


def _print_text(result: ApplyResult, dry_run: bool, changes: list[str]) -> None:
    if not result.pending:
        out.print(f"up to date: nothing pending ({result.history})", markup=False)
        return
    for note in result.history_notes:
        err.print(f"note: {note}", markup=False)
    if dry_run:
        out.print(
            f"would apply {len(result.pending)} migration(s) (history: {result.history}):", markup=False
        )
        for u in result.pending:
            mode = "" if u.transactional else " [no-transaction]"
            out.print(f"  {u.version}  {', '.join(u.paths)}  ({len(u.steps)} statements){mode}", markup=False)
        out.print("dry run: nothing was changed")
        return
    if result.backup:
        print_backup(result.backup)
    if result.backup_note:
        err.print(f"note: {result.backup_note}", markup=False)
    if result.baseline is not None:
        out.print(
            f"checks before the apply recorded in {result.baseline} (check tells their failures apart)",
            markup=False,
        )
    elif result.baseline_note:
        err.print(f"note: {result.baseline_note}", markup=False)
    for u in result.applied:
        out.print(f"applied  {u.version}  {', '.join(u.paths)}", markup=False)
    if result.failed:
        out.print(f"[bold red]failed[/]: {result.failed}")
        left = len(result.pending) - len(result.applied)
        out.print(f"{left} migration(s) not applied; fix the file and run apply again", markup=False)
    for c in changes:
        out.print(f"[yellow]probe changed[/]: {c}")
    if result.backup:
        out.print(f"undo with: pgconsolidate rollback --backup {result.backup.manifest_file}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("apply")(apply_command)
