"""``pgconsolidate consolidate [DIR] --plan FILE --out OUTDIR [--database-url URL] [--in-place]``."""

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
    new_output_directory,
    progress_steps,
    readable_file,
    resolve_database_url,
    resolve_scratch_url,
)
from pgconsolidate.console import out


def _fail_fast_when_stale(plan_path: Path, directory: str | None) -> None:
    """A plan whose files no longer match the directory (a file added, removed or edited since ``plan``
    wrote it) is refused before the old chain is replayed, which takes minutes on a large directory. The
    messages name the directory given, not the one the plan recorded."""
    import dataclasses

    from pgconsolidate.errors import InputError
    from pgconsolidate.plan.check import check_plan
    from pgconsolidate.plan.toml_read import read_plan
    from pgconsolidate.sources.reader import read_dir

    text = plan_path.read_text(encoding="utf-8")
    planned, _ = read_plan(text, str(plan_path))
    mdir = read_dir(directory or planned.directory or None)
    if not mdir.files:
        return  # the pipeline says so, with the nested-directory hint
    shown = dataclasses.replace(planned, directory=directory or planned.directory or str(mdir.root))
    problems = [
        p.render(str(plan_path))
        for p in check_plan(shown, text, current_files={f.path: f.sha256 for f in mdir.files}, snapshots=())
        if p.message.startswith("plan is out of date")
    ]
    if problems:
        raise InputError(
            f"the plan has {len(problems)} problem(s); nothing was written:\n" + "\n".join(problems)
        )


def consolidate(
    ctx: typer.Context,
    directory: Annotated[
        str | None, typer.Argument(help="Migrations directory (default: the plan's `directory`).")
    ] = None,
    plan: Annotated[Path, typer.Option("--plan", help="The reviewed plan.")] = Path(
        "pgconsolidate.plan.toml"
    ),
    outdir: Annotated[Path, typer.Option("--out", help="Output directory (must be new or empty).")] = Path(
        "consolidated"
    ),
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Move the old files out of DIR and put the clean set there.")
    ] = False,
    database_url: DatabaseUrlOption = None,
    scratch_url: ScratchUrlOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Write the consolidation fix, the clean set, archive/, history_repair.sql and REPORT.md, verified."""
    from pgconsolidate.verify.pipeline import consolidate as run

    if not plan.exists():  # the first run on a directory: say how to make the plan it needs
        import shlex

        from pgconsolidate.errors import InputError

        where = shlex.quote(directory) if directory else "DIR"
        make = f"pgconsolidate plan {where} -o {shlex.quote(str(plan))}"
        raise InputError(f"{plan}: no such plan file: write one first ({make}), review it, then consolidate")
    readable_file(plan, "plan", text=True)
    new_output_directory(outdir)
    _fail_fast_when_stale(plan, directory)
    with progress_steps("consolidate") as step:
        res = run(
            directory,
            plan,
            outdir,
            live_url=resolve_database_url(ctx, database_url),
            scratch_url=resolve_scratch_url(ctx, scratch_url),
            in_place=in_place,
            step=step,
        )
    ok = not res.differences and not res.second_run_differences
    if fmt is OutputFormat.json:
        out.print_json(
            json.dumps(
                {
                    "schema_version": 1,
                    "outdir": str(outdir),
                    "verified": ok,
                    "files": res.files,
                    "differences": res.differences,
                    "carried": [
                        o.split(" ", 1)[1]
                        for c in res.clean
                        if c.domain == "carried_statements"
                        for o in c.objects
                    ],
                    "files_only": res.summary.get("files_only", []),
                    "summary": res.summary,
                }
            )
        )
    else:
        s = res.summary
        out.print(
            f"{outdir}: {s['files_before']} files -> {s['files_after']} clean-set files; "
            f"definers converted {s['definers_converted']}, kept {s['definers_kept']}; merges: "
            f"{', '.join(s['merges']) or 'none'}",
            markup=False,
        )
        absent = s.get("files_only", [])
        if absent:
            out.print(
                f"{len(absent)} object(s) the files create are NOT in the live database (REPORT.md lists "
                "them; the plan's [[files_only]] entries decide):",
                markup=False,
                highlight=False,
            )
        for line in absent:
            out.print(f"files only: {line}", markup=False, highlight=False)
        if s.get("findings_before") is not None:
            out.print(
                f"findings: {s['findings_before']} before, {s.get('findings_after')} after", markup=False
            )
        carried = [c for c in res.clean if c.domain == "carried_statements"]
        if s.get("replay_failures_before"):
            out.print(
                f"{s['replay_failures_before']} statement(s) of the old chain fail on an empty database "
                "(REPORT.md lists them): anything only they would have created is not in the clean set"
                + (", except the statements carried below" if carried else ""),
                markup=False,
            )
        for c in carried:
            where = ", ".join(o.split(" ", 1)[1] for o in c.objects)
            out.print(
                f"carried as written into {c.name} ({len(c.objects)} statement(s) that need a role, "
                f"extension or privilege the scratch server lacks, or act on pg_cron's jobs): {where}",
                markup=False,
            )
        if s.get("rows_before"):
            before = ", ".join(f"{t} {n}" for t, n in sorted(s["rows_before"].items()))
            after = ", ".join(f"{t} {n}" for t, n in sorted(s["rows_after"].items()))
            lost = any(d.startswith("row accounting") for d in res.differences)
            note = "NOT all accounted for" if lost else "all accounted for"
            out.print(f"rows on a copy of the live database: {before} -> {after} ({note})", markup=False)
        for line in s.get("stand_ins", []):
            out.print(f"stand-in: {line}", markup=False)
        for line in s.get("live_copy", []):
            out.print(f"live copy: {line}", markup=False)
        for line in s.get("live_history", []):
            out.print(line, markup=False)
        for d in res.differences + res.second_run_differences:
            out.print(f"difference: {d}", markup=False)
        out.print(
            "verified: clean set == chain + fix; fix is idempotent" if ok else "NOT verified", markup=False
        )
        if directory is not None and (schemas := _declarative_sibling(directory)) is not None:
            out.print(
                f"note: {schemas} holds Supabase declarative schema files: `supabase db diff` compares them "
                f"with the migrations; `pgconsolidate compare {outdir / 'migrations'} {schemas}` shows "
                "whether the clean set still matches them (pgconsolidate did not read them)",
                markup=False,
            )
    if not ok:
        raise typer.Exit(1)


def _declarative_sibling(directory: str) -> Path | None:
    """``supabase/schemas`` next to the ``supabase/migrations`` consolidated, when it holds SQL files."""
    schemas = Path(directory).resolve().parent / "schemas"
    try:
        return schemas if schemas.parent.name == "supabase" and any(schemas.rglob("*.sql")) else None
    except OSError:
        return None


def register(app: typer.Typer) -> None:
    app.command("consolidate")(consolidate)
