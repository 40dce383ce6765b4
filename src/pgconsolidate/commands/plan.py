"""``pgconsolidate plan [DIR] [--database-url URL] [-o FILE]`` and ``plan --check FILE``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from pgconsolidate.commands.common import (
    DIRECTORY_HELP,
    DatabaseUrlOption,
    FormatOption,
    OutputFormat,
    ScratchUrlOption,
    readable_file,
    resolve_database_url,
    resolve_scratch_url,
    writable_output,
    write_output,
)
from pgconsolidate.console import err, out
from pgconsolidate.errors import InputError


def plan(
    ctx: typer.Context,
    directory: Annotated[str | None, typer.Argument(help=DIRECTORY_HELP)] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the plan.")] = Path(
        "pgconsolidate.plan.toml"
    ),
    check: Annotated[Path | None, typer.Option("--check", help="Validate an edited plan instead.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing plan file (kept as FILE.bak).")
    ] = False,
    database_url: DatabaseUrlOption = None,
    scratch_url: ScratchUrlOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Propose an editable, commented consolidation plan (or check one with --check)."""
    # the stages are imported here, not at the top: `pgconsolidate --help` stays fast
    from pgconsolidate.plan.toml_write import not_merged_line, write_plan
    from pgconsolidate.verify.pipeline import load_plan, make_plan

    live = resolve_database_url(ctx, database_url)
    scratch = resolve_scratch_url(ctx, scratch_url)
    if check is not None:
        given = [
            option
            for name, option in (("output", "-o/--output"), ("force", "--force"))
            if getattr(ctx.get_parameter_source(name), "name", "DEFAULT") != "DEFAULT"
        ]
        if given:
            raise InputError(
                f"--check reads a plan and writes nothing: {' and '.join(given)} "
                + ("do not apply" if len(given) > 1 else "does not apply")
            )
        readable_file(check, "plan", text=True)
        notes: list[str] = []  # with a live database: live-only objects the plan does not list
        _, _, problems = load_plan(check, directory, None, scratch, live, notes=notes)
        if fmt is OutputFormat.json:
            out.print_json(
                json.dumps({"schema_version": 1, "plan": str(check), "problems": problems, "notes": notes})
            )
        else:
            for problem in problems:
                out.print(problem, markup=False, highlight=False)
            for note in notes:
                err.print(f"note: {note}", markup=False, highlight=False)
            out.print(f"{check}: {len(problems)} problem(s)" if problems else f"{check}: ok")
        if problems:
            raise typer.Exit(1)
        return
    writable_output(output)
    if output.is_file() and not force:
        raise InputError(
            f"{output} exists (an edited plan would be lost): check it with --check, write elsewhere with "
            "-o, or pass --force (the old plan is kept as .bak)"
        )
    p = make_plan(directory, live, scratch)
    if not p.files:
        from pgconsolidate.replay.nested import nested_hint
        from pgconsolidate.sources.reader import read_dir

        where = p.directory or directory or "."
        hint = nested_hint(read_dir(str(where))) or (
            " (is it the migrations directory? `pgconsolidate inventory DIR` lists what is read)"
        )
        raise InputError(f"{where}: no migration files, so nothing to plan{hint}; no plan was written")
    if output.is_file():
        backup = output.with_name(output.name + ".bak")
        os.replace(output, backup)
        err.print(f"the previous plan is now {backup}", markup=False)
    write_output(output, write_plan(p))
    aside = [m for m in p.merges if m.on_collision != "keep-both"]
    from pgconsolidate.sources.layouts import unwritable_layout
    from pgconsolidate.sources.model import Scheme

    unwritable = unwritable_layout(Scheme(p.tool))  # consolidate refuses it: said now, not after the review
    if fmt is OutputFormat.json:
        out.print_json(
            json.dumps(
                {
                    "schema_version": 1,
                    "plan": str(output),
                    "merges": len(p.merges),
                    "merges_without_new_keys": [f"{m.source} -> {m.target}" for m in aside],
                    "definers": len(p.definers),
                    "indexes": len(p.indexes),
                    "files_only": [
                        {"object": e.object, "kind": e.kind, "action": e.action, "reason": e.reason}
                        for e in p.files_only
                    ],
                    "notes": list(p.notes) + ([unwritable] if unwritable else []),
                    "not_merged": [
                        {
                            "source": n.source,
                            "target": n.target,
                            "similarity": n.score,
                            "reason": n.reason,
                            "reported_by_analyze": n.reported,
                        }
                        for n in p.not_merged
                    ],
                }
            )
        )
    else:
        out.print(
            f"wrote {output}: {len(p.merges)} merges, {len(p.embeddings)} embedding columns, "
            f"{len(p.functions)} function choices, {len(p.definers)} definers, {len(p.indexes)} indexes"
            + (f", {len(p.not_merged)} similar pair(s) not merged" if p.not_merged else ""),
            markup=False,
        )
        for n in p.not_merged:
            out.print(f"  {not_merged_line(n)}", markup=False, highlight=False)
        if p.files_only:
            out.print(
                f"{len(p.files_only)} object(s) the files create are NOT in the live database; the plan "
                'leaves them out of the clean set unless you set action = "create" in their [[files_only]]:',
                markup=False,
                highlight=False,
            )
        for e in p.files_only:
            out.print(f"  {e.kind} {e.object}: {e.action} ({e.reason})", markup=False, highlight=False)
        for note in p.notes:
            err.print(f"note: {note}", markup=False)
        if unwritable:
            err.print(f"note: {unwritable}", markup=False)
        for m in aside:
            err.print(
                f"note: {m.source} -> {m.target}: no honest new key for colliding rows ({m.key}); "
                f"on_collision = {m.on_collision} proposed (the plan says why)",
                markup=False,
            )


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
