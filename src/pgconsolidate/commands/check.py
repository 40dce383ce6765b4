"""``pgconsolidate check [DIR]``: the guide's checklist against the live database, automated.

Backup exists and verifies; tables as planned (``--plan``); no ambiguous overloads; vector operations
work; CRUD works (rolled back); agent functions work and perform as before (``--probes``); no
SECURITY DEFINER left but those the plan keeps; every migration file has a header comment (``DIR``).
Checks that need an input not given are skipped and listed as such. Exit 1 when any check fails.

``DIR`` may be a ``consolidate`` output directory (or its ``migrations/``): the plan saved there is then
used when ``--plan`` is not given, and the headers checked are the clean set's. Which plan was used, and
from where, is printed (and in JSON, ``plan``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
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

SAVED_PLAN = "pgconsolidate.plan.toml"  # where `consolidate` saves the plan it used, in its output directory
OUTPUT_MANIFEST = "pgconsolidate-output.json"


@dataclass(frozen=True)
class Located:
    """The plan ``check`` uses (None: none), how it was found, and the directory whose headers are read."""

    plan: Path | None
    how: str
    headers: Path | None


def _is_output(path: Path) -> bool:
    return (path / OUTPUT_MANIFEST).is_file() or (path / SAVED_PLAN).is_file()


def locate(directory: Path | None, plan: Path | None) -> Located:
    """Which plan to check against: ``--plan`` when given; else the plan ``consolidate`` saved in its output
    directory, when ``directory`` is one (or is its ``migrations/``). A consolidate output's headers are
    those of its clean set (``migrations/``)."""
    headers = directory
    output: Path | None = None
    if directory is not None:
        if _is_output(directory):
            output = directory
            if (directory / "migrations").is_dir():
                headers = directory / "migrations"
        elif directory.name == "migrations" and _is_output(directory.parent):
            output = directory.parent
    if plan is not None:
        return Located(plan, "given with --plan", headers)
    if output is not None and (output / SAVED_PLAN).is_file():
        return Located(output / SAVED_PLAN, f"saved by consolidate in {output}", headers)
    return Located(
        None, "none: no --plan given" + (f" and none saved in {directory}" if directory else ""), headers
    )


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
    readable_file(plan, "plan", text=True)
    probe_set = load_probes(probes) if probes else None  # a bad probes file fails before any work
    if directory is not None and not directory.is_dir():
        raise InputError(f"{directory}: not a directory")
    found = locate(directory, plan)
    results = run_checks(
        url, directory=found.headers, probes=probe_set, plan_file=found.plan, backup_dir=backup_dir
    )
    if found.plan is None:
        for r in results:
            if r.name == "planned structure" and r.status == "skip":
                r.summary = found.how
    failed = [r for r in results if r.status == FAIL]
    if fmt is OutputFormat.json:
        doc = {
            "schema_version": 1,
            "ok": not failed,
            "plan": {"path": str(found.plan), "found": found.how} if found.plan else None,
            "headers_of": str(found.headers) if found.headers else None,
            "checks": [asdict(r) for r in results],
        }
        emit_json(doc)
    else:
        out.print(f"plan: {found.plan} ({found.how})" if found.plan else f"plan: {found.how}", markup=False)
        if found.headers is not None and found.headers != directory:
            out.print(f"headers: the clean set in {found.headers}", markup=False)
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
