"""``pgconsolidate demo-db`` builds the bundled example's production database; ``pgconsolidate demo`` runs the
whole flow on it: production database, analyze, plan, consolidate, verify, and a summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pgconsolidate.commands.common import (
    FormatOption,
    OutputFormat,
    ScratchUrlOption,
    emit_json,
    new_output_directory,
    resolve_scratch_url,
)
from pgconsolidate.commands.inventory import inventory_rows, print_inventory_table, print_left_out
from pgconsolidate.console import err, out
from pgconsolidate.errors import InputError
from pgconsolidate.redact import redact_url

if TYPE_CHECKING:
    from pgconsolidate.demo import ProductionDb
    from pgconsolidate.verify.pipeline import Result

EXAMPLE_RELATIVE = Path("examples") / "ai-memory" / "supabase" / "migrations"


def example_migrations() -> Path:
    """The bundled example's migrations: under the current directory, else next to the source tree."""
    candidates = [Path.cwd() / EXAMPLE_RELATIVE, Path(__file__).resolve().parents[3] / EXAMPLE_RELATIVE]
    for path in candidates:
        if path.is_dir():
            return path
    raise InputError(
        f"the bundled example is not here: {EXAMPLE_RELATIVE} (run from the pgconsolidate checkout)"
    )


MigrationsOption = Annotated[
    str | None,
    typer.Option(
        "--migrations", help="Migrations directory (default: the bundled example).", show_default=False
    ),
]


# not DatabaseUrlOption: demo-db writes into the database it is given, so $DATABASE_URL (and the global
# --database-url), which usually name the project's own database, are not read; its help said they were
IntoDatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Build into this existing EMPTY database instead (default: pgc_demo_production on the scratch "
        "server; $DATABASE_URL is not read).",
        show_default=False,
    ),
]


def production_json(db: ProductionDb) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "url": redact_url(db.url),
        "database": db.name,
        "dashboard_extensions": list(db.dashboard),
        "row_counts": dict(db.row_counts),
        "overlapping_ids": db.overlapping_ids,
        "embedding_dimensions": [{"table": t, "dimensions": d, "rows": n} for t, d, n in db.dimensions],
        "security_definer_functions": db.definers,
        "history_rows": db.history_rows,
        "history_table": db.history_table,
        "skipped_failures": [{"file": f.file, "line": f.line, "message": f.message} for f in db.failures],
        "data": db.data_note or "generated",
    }


def print_production(db: ProductionDb) -> None:
    from rich.table import Table

    out.print(f"production database: {redact_url(db.url)}", markup=False)
    out.print(f"enabled from the dashboard: {', '.join(db.dashboard) or 'none'}", markup=False)
    roots = len(db.replay.root_causes)
    out.print(
        f"migrations: {len(db.replay.files)} files; {len(db.failures)} failing statements skipped "
        f"({roots} root causes); {db.history_rows} history rows in {db.history_table or 'no history table'}",
        markup=False,
    )
    table = Table(title="rows")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in db.row_counts:
        table.add_row(name, str(count))
    if db.data_note:
        out.print(db.data_note, markup=False)
        out.print(f"SECURITY DEFINER functions in public: {db.definers}", markup=False)
        return
    out.print(table)
    out.print(f"ids in both memories and ai_memories: {db.overlapping_ids}", markup=False)
    for t, d, n in db.dimensions:
        out.print(f"{t}: {n} embeddings of {d} dimensions", markup=False)
    out.print(f"SECURITY DEFINER functions in public: {db.definers}", markup=False)


def _build(
    ctx: typer.Context, database_url: str | None, scratch_url: str | None, migrations: str | None
) -> ProductionDb:
    from pgconsolidate.demo import DEFAULT_NAME, build_production_db, build_production_into
    from pgconsolidate.scratch import get_scratch_server
    from pgconsolidate.sources.reader import resolve_dir

    directory = str(resolve_dir(migrations)) if migrations else str(example_migrations())
    err.print(f"building the production database of {directory} ...", markup=False)
    if database_url:
        return build_production_into(database_url, directory)
    server = get_scratch_server(resolve_scratch_url(ctx, scratch_url))
    return build_production_db(server, directory, name=DEFAULT_NAME)


def demo_db(
    ctx: typer.Context,
    database_url: IntoDatabaseOption = None,
    scratch_url: ScratchUrlOption = None,
    migrations: MigrationsOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Build the example's production database (default: pgc_demo_production on the embedded server,
    recreated each time; --database-url builds into an existing EMPTY database)."""
    db = _build(ctx, database_url, scratch_url, migrations)
    if fmt is OutputFormat.json:
        emit_json(production_json(db))
    else:
        print_production(db)


def _print_inventory(directory: str) -> None:
    from pgconsolidate.sources.reader import read_dir

    mdir = read_dir(directory)
    print_inventory_table(mdir, inventory_rows(mdir))
    print_left_out(mdir)


def demo_outdir(root: Path | None = None) -> Path:
    """A new directory for this run's output: ``.pgconsolidate/demo/<timestamp>``."""
    base = (root or Path.cwd()) / ".pgconsolidate" / "demo"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    path, n = base / stamp, 1
    while path.exists():
        path, n = base / f"{stamp}-{n}", n + 1
    return path


def _print_summary(db: ProductionDb, directory: str, outdir: Path, res: Result) -> None:
    from rich.table import Table

    s = res.summary
    ok = not res.differences and not res.second_run_differences
    table = Table(title="pgconsolidate demo: the bundled example, end to end")
    table.add_column("")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    table.add_row("migration files", str(s.get("files_before", "?")), str(s.get("files_after", "?")))
    if s.get("findings_before") is not None:
        table.add_row("analyze findings", str(s["findings_before"]), str(s.get("findings_after", "?")))
    for name, before in sorted((s.get("rows_before") or {}).items()):
        after = (s.get("rows_after") or {}).get(name, "merged")
        table.add_row(f"rows in {name}", str(before), str(after))
    table.add_row(
        "SECURITY DEFINER functions",
        str(db.definers),
        f"{s.get('definers_kept', '?')} kept (converted {s.get('definers_converted', '?')})",
    )
    out.print(table)
    lost = any(d.startswith("row accounting") for d in res.differences)
    out.print(f"rows: {'NOT all accounted for' if lost else 'every row accounted for'}", markup=False)
    for source in s.get("sources_kept") or ():
        out.print(
            f"{source} is kept (its rows are also merged): functions still use it; the plan names them "
            "(rewrite them, then set drop_source = true)",
            markup=False,
        )
    out.print(f"output: {outdir} (REPORT.md, the fix, the clean set, archive/)", markup=False)
    out.print(
        "verified: clean set == old chain + fix == production copy + fix; the fix is idempotent"
        if ok
        else "NOT verified: " + "; ".join(res.differences + res.second_run_differences),
        markup=False,
    )
    out.print(
        f"next: pgconsolidate backup --database-url {redact_url(db.url)} && "
        f"pgconsolidate apply {outdir} --database-url ...",
        markup=False,
    )


def demo(
    ctx: typer.Context,
    scratch_url: ScratchUrlOption = None,
    migrations: MigrationsOption = None,
    outdir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Output directory (default: .pgconsolidate/demo/<timestamp>).", show_default=False
        ),
    ] = None,
) -> None:
    """The whole flow on the bundled example: build its production database, analyze, plan, consolidate
    and verify, then print a summary (files, findings, rows, definers before and after)."""
    from pgconsolidate.analysis import analyze_dir
    from pgconsolidate.fsio import write_atomic
    from pgconsolidate.plan.toml_write import write_plan
    from pgconsolidate.sources.reader import read_dir
    from pgconsolidate.verify.pipeline import consolidate, make_plan

    if outdir is not None:
        new_output_directory(outdir)
    directory = migrations or str(example_migrations())
    _print_inventory(directory)
    db = _build(ctx, None, scratch_url, migrations)
    print_production(db)
    scratch = resolve_scratch_url(ctx, scratch_url)
    target = outdir or demo_outdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    with err.status("planning from the files and the production database", spinner="dots") as status:
        analysis = analyze_dir(read_dir(directory), keep_trees=False)  # one model for plan and consolidate
        plan = make_plan(directory, db.url, scratch, analysis=analysis)
        plan_path = target.parent / f"{target.name}.plan.toml"
        write_atomic(plan_path, write_plan(plan).encode())
        status.update("consolidating and verifying")
        res = consolidate(
            directory,
            plan_path,
            target,
            live_url=db.url,
            scratch_url=scratch,
            step=status.update,
            analysis=analysis,
        )
    out.print(f"plan: {plan_path}", markup=False)
    _print_summary(db, directory, target, res)
    if res.differences or res.second_run_differences:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("demo-db")(demo_db)
    app.command("demo")(demo)
