"""``pgconsolidate check [DIR]``: the guide's checklist against the live database, automated.

Backup exists and verifies; tables as planned (``--plan``); no ambiguous overloads; vector operations
work; CRUD works (rolled back); agent functions work and perform as before (``--probes``); no
SECURITY DEFINER left but those the plan keeps; every migration file has a header comment (``DIR``).
Checks that need an input not given are skipped and listed as such. Exit 1 when any check fails.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from pgconsolidate.commands.common import (
    BackupDirOption,
    DatabaseUrlOption,
    FormatOption,
    OutputFormat,
    emit_json,
    print_items,
    readable_file,
    require_database_url,
)
from pgconsolidate.console import out
from pgconsolidate.errors import EXIT_FOUND, InputError

MARK = {
    "pass": "[green]PASS[/]",
    "fail": "[bold red]FAIL[/]",
    "skip": "[dim]SKIP[/]",
    "warn": "[yellow]WARN[/]",
}


def check(
    ctx: typer.Context,
    directory: Annotated[
        Path | None, typer.Argument(help="Migrations directory (header comments).", show_default=False)
    ] = None,
    database_url: DatabaseUrlOption = None,
    probes: Annotated[
        Path | None, typer.Option("--probes", help="Probes TOML file.", show_default=False)
    ] = None,
    plan: Annotated[
        Path | None, typer.Option("--plan", help="Consolidation plan TOML.", show_default=False)
    ] = None,
    backup_dir: BackupDirOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Run the post-consolidation checklist (and probes) against the live database; changes nothing."""
    from pgconsolidate.deploy.checks import FAIL, run_checks
    from pgconsolidate.deploy.probes import load_probes

    url = require_database_url(ctx, database_url)
    readable_file(plan, "plan")
    probe_set = load_probes(probes) if probes else None  # a bad probes file fails before any work
    if directory is not None and not directory.is_dir():
        raise InputError(f"{directory}: not a directory")
    results = run_checks(url, directory=directory, probes=probe_set, plan_file=plan, backup_dir=backup_dir)
    failed = [r for r in results if r.status == FAIL]
    if fmt is OutputFormat.json:
        doc = {"schema_version": 1, "ok": not failed, "checks": [asdict(r) for r in results]}
        emit_json(doc)
    else:
        for r in results:
            out.print(f"{MARK[r.status]}  {r.name}: ", end="")
            out.print(r.summary, markup=False)
            print_items(r.details, indent="        ", limit=20)
        skipped = [r.name for r in results if r.status == "skip"]
        if skipped:
            out.print(f"skipped: {', '.join(skipped)}", markup=False)
        out.print(f"{len(failed)} check(s) failed" if failed else "all checks passed", markup=False)
    if failed:
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
