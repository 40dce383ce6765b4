"""``pgconsolidate inspect``: what a live database really holds, and how it drifted from the files.

``inspect --database-url URL`` reads the catalog (text summary, or the snapshot JSON with
``--format json`` / ``--output FILE``). ``--against DIR`` adds drift: the live schema is compared with
the replayed chain of DIR (what production has that the files don't, and the reverse) and the
database's migration history table is reconciled with the files of DIR.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pgconsolidate.commands.common import (
    DatabaseUrlOption,
    FormatOption,
    IgnoreOption,
    IncludeExtensionObjectsOption,
    IncludeManagedOption,
    OutputFormat,
    ScratchUrlOption,
    checked_ignore,
    emit_json,
    require_database_url,
    resolve_scratch_url,
    writable_output,
    write_output,
)
from pgconsolidate.commands.compare import bodies_of, print_diff, with_function_bodies
from pgconsolidate.console import err, out
from pgconsolidate.errors import EXIT_FOUND

if TYPE_CHECKING:
    from pgconsolidate.catalog import Snapshot
    from pgconsolidate.history import Reconciliation

FILES = "the files"
DATABASE = "the database"


def _reconciliation_json(r: Reconciliation) -> dict[str, Any]:
    return {
        "tool": r.tool,
        "table": r.table,
        "applied": r.applied,
        "files": r.files,
        "matched": r.matched,
        "issues": [
            {"kind": i.kind, "version": i.version, "path": i.path, "line": i.line, "message": i.message}
            for i in r.issues
        ],
    }


def _print_summary(snap: Snapshot) -> None:
    from rich.table import Table

    table = Table(title=f"{snap.source} (PostgreSQL {snap.server_version // 10000})")
    table.add_column("objects")
    table.add_column("count", justify="right")
    for name, n in snap.counts().items():
        table.add_row(name.replace("_", " "), str(n))
    out.print(table)
    for line in summary_lines(snap):
        out.print(line, markup=False)


def _some(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def summary_lines(snap: Snapshot) -> list[str]:
    """The facts Phase 1 of a consolidation asks for, from the snapshot (pure)."""
    from pgconsolidate.catalog.model import Function
    from pgconsolidate.catalog.model import Table as CatalogTable

    lines = []
    if snap.extensions:
        lines.append(
            "extensions: " + ", ".join(f"{e.identity} {e.version} ({e.schema})" for e in snap.extensions)
        )
    no_rls = [t.identity for t in snap.tables if isinstance(t, CatalogTable) and not t.rls_enabled]
    if snap.tables:
        lines.append(
            f"row level security: disabled on {len(no_rls)} of {len(snap.tables)} tables"
            + (f" ({_some(no_rls)})" if no_rls else "")
        )
    definers = [f for f in snap.functions if isinstance(f, Function) and f.security_definer]
    unpinned = [f.identity for f in definers if not any(c.startswith("search_path=") for c in f.config)]
    if definers:
        lines.append(
            f"security definer functions: {len(definers)}, {len(unpinned)} without a fixed search_path"
            + (f" ({_some(unpinned)})" if unpinned else "")
        )
    lines.append("the full snapshot: --format json, or --output FILE")
    return lines


def inspect(
    ctx: typer.Context,
    database_url: DatabaseUrlOption = None,
    fmt: FormatOption = OutputFormat.text,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            help="Migrations directory: show drift between the database and the replayed files, "
            "and reconcile the database's migration history with the files.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Also write the snapshot JSON to this file.", show_default=False),
    ] = None,
    include_managed: IncludeManagedOption = False,
    include_extension_objects: IncludeExtensionObjectsOption = False,
    ignore: IgnoreOption = None,
    scratch_url: ScratchUrlOption = None,
) -> None:
    """Read a live database's schema (tables, columns, functions, policies, grants, ...) and its drift."""
    from pgconsolidate.catalog import read_snapshot, snapshot_to_json
    from pgconsolidate.catalog.serialize import snapshot_to_dict
    from pgconsolidate.compare import diff_snapshots
    from pgconsolidate.compare.bodies import changed_bodies, with_body_diffs
    from pgconsolidate.compare.owners import as_live_role
    from pgconsolidate.compare.render import to_json
    from pgconsolidate.history import read_history, reconcile
    from pgconsolidate.history.objects import history_object_names
    from pgconsolidate.history.reconcile import owning_histories
    from pgconsolidate.replay import replay_to_snapshot
    from pgconsolidate.sources.reader import read_dir

    url = require_database_url(ctx, database_url)
    ignored = checked_ignore(ignore)
    mdir = read_dir(against) if against is not None else None  # bad directory: fail before any work
    if mdir is not None and not mdir.files:  # a project root or a typo: every live object would be drift
        from pgconsolidate.replay.nested import nested_hint

        err.print(
            f"warning: {against}: no migration files{nested_hint(mdir)}; compared as an empty schema",
            markup=False,
            highlight=False,
        )
    if output:
        writable_output(output)  # a missing or read-only directory: fail before reading the catalog
    options = {
        "include_extension_objects": include_extension_objects,
        "include_managed_schemas": include_managed,
    }
    live = read_snapshot(url, **options)
    if output or (fmt is OutputFormat.json and against is None):
        # a snapshot file keeps its functions' bodies: comparing it shows where a changed body differs
        live = with_function_bodies(live, url)
    if output:
        write_output(output, snapshot_to_json(live))
    if against is None or mdir is None:
        if fmt is OutputFormat.json:
            emit_json(snapshot_to_dict(live))
        else:
            _print_summary(live)
            if output:
                out.print(f"snapshot written to {output}", markup=False)
        return

    err.print(f"replaying {against} into a scratch database ...")
    files = replay_to_snapshot(against, scratch_url=resolve_scratch_url(ctx, scratch_url), **options)
    files, role_notes = as_live_role(files, live)  # the files never name the role that applies them
    drift = diff_snapshots(files, live, ignore=ignored)
    drift = dataclasses.replace(drift, notes=drift.notes + role_notes)
    # the platform services' own tables (GoTrue's auth.schema_migrations, storage's migrations, ...) are
    # on every hosted Supabase project: not the project's history, nor another tool's
    history = tuple(h for h in read_history(url) if not _platform_service_table(h.table))
    # the history tables are reconciled below as history, not reported as drift (the tool made them)
    tables = history_object_names(live, {h.table for h in history}, files)
    kept = tuple(d for d in drift.differences if (d.parent or d.identity) not in tables)
    drift = dataclasses.replace(drift, differences=kept)
    if changed := changed_bodies(drift):  # where each changed function body differs
        drift = with_body_diffs(
            drift,
            bodies_of(against, changed, files),
            bodies_of(url, changed, live),
            a_label=FILES,
            b_label=DATABASE,
        )
    # several history tables (a project that changed tools): the one of the directory's tool decides
    owning = owning_histories(history, mdir.tool.value) or list(history)
    reconciliations = [reconcile(h, mdir) for h in owning]
    other_tables = [h.table for h in history if h not in owning]
    history_issues = sum(len(r.issues) for r in reconciliations)
    if fmt is OutputFormat.json:
        doc = {
            "schema_version": 1,
            "database": live.source,
            "directory": against,
            "objects": live.counts(),
            "drift": to_json(drift),
            "history": [_reconciliation_json(r) for r in reconciliations],
            "history_found": bool(history),
            "other_history_tables": other_tables,
        }
        emit_json(doc)
    else:
        out.print(f"database: {live.source}", markup=False)
        out.print(f"files:    {against} (replayed)", markup=False)
        out.print("[bold]Drift[/] (+ only in the database, - only in the files, ~ changed files → database)")
        print_diff(drift, a_label=FILES, b_label=DATABASE)
        out.print("[bold]Migration history[/]")
        if not history:
            out.print(
                "no migration history table found (supabase_migrations, schema_migrations, flyway, goose, "
                "prisma, drizzle, diesel, sqlx)"
            )
        if other_tables:
            out.print(f"also found (another tool's, not reconciled): {', '.join(other_tables)}", markup=False)
        for r in reconciliations:
            out.print(
                f"{r.table} ({r.tool}): {r.applied} applied, {r.files} files, {r.matched} matched, "
                f"{len(r.issues)} issue(s)",
                markup=False,
            )
            for issue in r.issues:
                out.print(f"  {issue.kind}: {issue.message}", markup=False)
    if not drift.equivalent or history_issues:
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect)


def _platform_service_table(table: str) -> bool:
    """Whether ``schema.name`` is a platform service's own migration table (in a schema the platform
    manages; ``supabase_migrations`` is the Supabase CLI's, the project's history)."""
    from pgconsolidate.catalog.schemas import MANAGED_SCHEMAS  # (commands load no stage at import)

    schema = table.partition(".")[0]
    return schema in MANAGED_SCHEMAS and schema != "supabase_migrations"
