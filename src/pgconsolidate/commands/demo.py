"""``pgconsolidate demo-db`` builds the bundled example's production database; ``pgconsolidate demo`` builds
it and shows the example directory's inventory (later steps of the demo extend this command)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from pgconsolidate.commands.common import (
    DatabaseUrlOption,
    FormatOption,
    OutputFormat,
    ScratchUrlOption,
    resolve_scratch_url,
)
from pgconsolidate.commands.inventory import inventory_rows
from pgconsolidate.console import err, out
from pgconsolidate.demo import DEFAULT_NAME, ProductionDb, build_production_db, build_production_into
from pgconsolidate.errors import InputError
from pgconsolidate.redact import redact_url
from pgconsolidate.scratch import get_scratch_server
from pgconsolidate.sources.reader import read_dir

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
        "skipped_failures": [{"file": f.file, "line": f.line, "message": f.message} for f in db.failures],
    }


def print_production(db: ProductionDb) -> None:
    out.print(f"production database: {redact_url(db.url)}", markup=False)
    out.print(f"enabled from the dashboard: {', '.join(db.dashboard)}", markup=False)
    roots = len(db.replay.root_causes)
    out.print(
        f"migrations: {len(db.replay.files)} files; {len(db.failures)} failing statements skipped "
        f"({roots} root causes); {db.history_rows} history rows",
        markup=False,
    )
    table = Table(title="rows")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in db.row_counts:
        table.add_row(name, str(count))
    out.print(table)
    out.print(f"ids in both memories and ai_memories: {db.overlapping_ids}", markup=False)
    for t, d, n in db.dimensions:
        out.print(f"{t}: {n} embeddings of {d} dimensions", markup=False)
    out.print(f"SECURITY DEFINER functions in public: {db.definers}", markup=False)


def _build(
    ctx: typer.Context, database_url: str | None, scratch_url: str | None, migrations: str | None
) -> ProductionDb:
    directory = migrations or str(example_migrations())
    err.print(f"building the production database of {directory} ...", markup=False)
    if database_url:
        return build_production_into(database_url, directory)
    server = get_scratch_server(resolve_scratch_url(ctx, scratch_url))
    return build_production_db(server, directory, name=DEFAULT_NAME)


def demo_db(
    ctx: typer.Context,
    database_url: DatabaseUrlOption = None,
    scratch_url: ScratchUrlOption = None,
    migrations: MigrationsOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Build the example's production database (default: pgc_demo_production on the embedded server,
    recreated each time; --database-url builds into an existing EMPTY database)."""
    db = _build(ctx, database_url, scratch_url, migrations)
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(production_json(db)))
    else:
        print_production(db)


def demo(
    ctx: typer.Context,
    scratch_url: ScratchUrlOption = None,
    migrations: MigrationsOption = None,
) -> None:
    """The end-to-end demonstration on the bundled example: its production database and its inventory."""
    db = _build(ctx, None, scratch_url, migrations)
    print_production(db)
    mdir = read_dir(migrations or str(example_migrations()))
    rows = inventory_rows(mdir)
    table = Table(title=f"{mdir.root} ({mdir.tool.value}: {len(rows)} migration files)")
    for col, justify in (("#", "right"), ("file", "left"), ("version", "left"), ("statements", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for i, row in enumerate(rows, 1):
        table.add_row(str(i), str(row["path"]), str(row["version"]), str(row["statements"]))
    out.print(table)
    for left in mdir.left_out:
        out.print(f"left out: {left.path} ({left.reason})", markup=False)


def register(app: typer.Typer) -> None:
    app.command("demo-db")(demo_db)
    app.command("demo")(demo)
