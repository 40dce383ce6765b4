"""``pgconsolidate replay [DIR]``: build the chain in a fresh scratch database and report what fails.

Each failure comes with its file and line, the statement's first line, SQLSTATE, PostgreSQL's message, a
hint and the root cause it cascades from; text output groups cascades under their root causes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pgconsolidate.commands.common import (
    DIRECTORY_HELP,
    FormatOption,
    OutputFormat,
    ScratchUrlOption,
    emit_json,
    resolve_scratch_url,
    writable_output,
    write_output,
)
from pgconsolidate.console import err, out
from pgconsolidate.errors import EXIT_FOUND, InputError
from pgconsolidate.redact import redact_url

if TYPE_CHECKING:
    from pgconsolidate.replay import ReplayFailure, ReplayResult
    from pgconsolidate.sources.model import MigrationDir

# What the owning tool does with two files that share a version (the replay applies both, in name order).
# The Supabase CLI's answer comes from the history rows the replay writes (``history_collisions``);
# Prisma and drizzle key their history by directory name / hash, so a shared timestamp is no collision.
_REFUSES = {
    "goose": "goose refuses the whole directory (duplicate version) before applying anything",
    "golang-migrate": "migrate refuses the whole directory (duplicate migration file) before applying",
    "flyway": "Flyway's validation fails (more than one migration with this version) before migrating",
    "dbmate": "dbmate fails on the schema_migrations primary key and rolls that file back",
    "tern": "tern refuses the whole directory (duplicate migration) before migrating",
    "numbered": "migration tools record one row per version: the second file is refused or never run",
    # also when the files need no Supabase base (so the replay writes no history rows to collide on)
    "supabase": "the Supabase CLI fails on the schema_migrations primary key at the second file",
}


def _refusal(tool: str, tool_named: bool) -> str:
    """What the owning tool does with a second file of the same version (``_REFUSES``); for a directory
    whose names do not tell the tool (``MigrationDir.tool_named`` False), what migration tools do."""
    return _REFUSES[tool] if tool_named else _REFUSES["numbered"]


#: The up marker each tool requires in every file, and what it does with a file that has none.
_UP_MARKER = {
    "goose": ("-- +goose Up", "goose refuses it: 'must start with '-- +goose Up' annotation'"),
    "dbmate": ("-- migrate:up", "dbmate refuses it: each migration needs an up block"),
    "sql-migrate": ("-- +migrate Up", "sql-migrate refuses it: 'no Up/Down annotations found'"),
}


def unmarked_files(mdir: MigrationDir) -> list[tuple[str, str]]:
    """``(file, what the tool does)`` for each file without the up marker the owning tool requires (goose,
    dbmate, sql-migrate), which the replay applies whole (pure)."""
    if str(mdir.tool) == "tern":
        return _tern_gaps(mdir)
    marker = _UP_MARKER.get(str(mdir.tool))
    if marker is None:
        return []
    return [(f.path, f"no '{marker[0]}' line: {marker[1]}") for f in mdir.files if f.span is None and f.text]


def _tern_gaps(mdir: MigrationDir) -> list[tuple[str, str]]:
    """tern numbers its migrations 1, 2, 3, ... and refuses a directory with a number missing."""
    numbers = sorted({int(f.version) for f in mdir.files if f.version.isdigit()})
    expected = 1
    for f in mdir.files:
        if not f.version.isdigit():
            continue
        n = int(f.version)
        if n > expected and expected not in numbers:
            return [
                (
                    f.path,
                    f"no migration {expected} before it: tern refuses the directory "
                    f"('Missing migration {expected}')",
                )
            ]
        expected = max(expected, n + 1)
    return []


def version_collisions(mdir: MigrationDir) -> list[tuple[str, str, str]]:
    """``(file, version, earlier file)`` for each file whose version an earlier file (in applied order)
    already has, for the tools in ``_REFUSES`` (pure: names in, data out)."""
    if str(mdir.tool) not in _REFUSES:
        return []
    from pgconsolidate.sources.naming import version_key

    first: dict[str, str] = {}
    found: list[tuple[str, str, str]] = []
    for f in mdir.files:
        if f.filename.direction != "up" or not f.version:
            continue
        key = version_key(mdir.tool, f.version)  # 001 and 1 (Flyway: 1.0) are one version to the tool
        if key in first:
            found.append((f.path, f.version, first[key]))
        else:
            first[key] = f.path
    return found


def result_json(
    result: ReplayResult,
    collisions: list[tuple[str, str, str]] | None = None,
    unmarked: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The ``--format json`` document (``schema_version`` 1); ``collisions`` from
    :func:`version_collisions`, ``unmarked`` from :func:`unmarked_files`."""

    def failure(f: ReplayFailure) -> dict[str, Any]:
        root = {"file": f.root_cause.file, "line": f.root_cause.line} if f.root_cause else None
        return {
            "file": f.file,
            "line": f.line,
            "statement": f.statement,
            "sqlstate": f.sqlstate,
            "message": f.message,
            "hint": f.hint,
            "root_cause": root,
        }

    return {
        "schema_version": 1,
        "files": [
            {"file": o.file, "status": o.status, "statements": o.statements, "failed": o.failed}
            for o in result.files
        ],
        "failures": [failure(f) for f in result.failures],
        "stand_ins": [
            {
                "extension": s.extension,
                "schema": s.schema,
                "file": s.file,
                "line": s.line,
                "objects": list(s.objects),
                "note": s.note,
            }
            for s in result.stand_ins
        ],
        "skipped": [
            {"file": s.file, "line": s.line, "statement": s.statement, "reason": s.reason}
            for s in result.skipped
        ],
        "platform": [
            {"file": s.file, "line": s.line, "statement": s.statement, "reason": s.reason}
            for s in result.provided
        ],
        "assumed": [
            {"extension": a.extension, "file": a.file, "line": a.line, "needs": a.what}
            for a in result.assumed
        ],
        "placeholders": list(result.placeholders),
        "version_collisions": [
            {"file": file, "version": version, "collides_with": earlier, "tool": result.tool}
            for file, version, earlier in collisions or []
        ],
        "no_ops": [
            {
                "file": n.file,
                "line": n.line,
                "statement": n.statement,
                "notice": n.notice,
                "made_by_migrations": n.made_by_migrations,
            }
            for n in result.no_ops
        ],
        "refused_by_tool": [
            {"file": file, "reason": why, "tool": result.tool} for file, why in unmarked or []
        ],
    }


#: replay commits each file on its own (as most tools do); drizzle-kit's migrator does not (replay's execution
#: is left as it is: said, so that a clean replay is not read as a clean deploy)
DRIZZLE_ONE_TRANSACTION = (
    "drizzle-kit applies every pending file in one transaction, replay commits each file on its own: what "
    "needs an earlier file committed (a new enum value ALTER TYPE ... ADD VALUE adds, used by a later file) "
    "passes here and fails in a deploy that applies both files together (55P04; analyze's "
    "enum-value-used-in-transaction finds it)"
)


def print_result(
    result: ReplayResult,
    collisions: list[tuple[str, str, str]] | None = None,
    unmarked: list[tuple[str, str]] | None = None,
    *,
    tool_named: bool = True,
) -> None:
    """Text report: root causes with their cascades, stand-ins, skipped statements, history collisions
    (and the version ``collisions`` the owning tool refuses). ``tool_named``: the directory's
    ``MigrationDir.tool_named`` (False: the refusals say what migration tools do, not what one does)."""
    applied = sum(1 for o in result.files if o.status == "applied")
    ran = sum(1 for o in result.files if o.status not in ("not-run", "skipped"))
    out.print(
        f"replayed {ran} of {len(result.files)} files in {result.seconds:.2f} s: {applied} applied cleanly",
        markup=False,
    )
    for line in result.placeholders:
        out.print(f"placeholder: {line}", markup=False)
    if result.tool == "drizzle" and len(result.files) > 1:
        out.print(f"note: {DRIZZLE_ONE_TRANSACTION}", markup=False)
    for s in result.stand_ins:
        origin = "already in the database (Supabase base)" if s.file == "(base)" else f"for {s.file}:{s.line}"
        out.print(
            f"stand-in: extension {s.extension} (not on the scratch server) in schema {s.schema}, "
            f"{origin}: {s.note}",
            markup=False,
        )
    from pgconsolidate.replay.analysis import SAME_MISSING as same_missing

    roots = result.root_causes
    if result.failures:
        out.print(
            f"{len(roots)} root cause{'s' if len(roots) != 1 else ''}, "
            f"{len(result.failures)} error{'s' if len(result.failures) != 1 else ''}",
            style="bold red",
        )
    for root in roots:
        out.print(f"\n{root.file}:{root.line}  {root.statement}", markup=False, style="bold")
        out.print(f"  {root.sqlstate} {root.message}", markup=False)
        if root.hint:
            out.print(f"  hint: {root.hint}", markup=False, style="cyan")
        cascades = [f for f in result.failures if f.root_cause == root.location]
        for c in cascades:
            label = "same" if c.hint.startswith(same_missing) else "cascade"
            out.print(f"    {label} {c.file}:{c.line}  {c.sqlstate} {c.message}", markup=False)
    for a in result.assumed:
        out.print(
            f"assumed: extension {a.extension} (no migration creates it; {a.file}:{a.line} uses {a.what}) is "
            "taken as enabled on the platform (the dashboard) and was created in schema extensions first",
            markup=False,
        )
    for pv in result.provided:
        out.print(f"platform: {pv.file}:{pv.line} {pv.statement} ({pv.reason})", markup=False)
    for sk in result.skipped:
        out.print(f"skipped: {sk.file}:{sk.line} {sk.statement} ({sk.reason})", markup=False)
    for n in result.no_ops:
        why = (
            "a typo, or a table renamed or dropped earlier?"
            if n.made_by_migrations
            else "no migration creates it: a typo, or a table made outside the migrations (the dashboard, "
            "another project's migrations)?"
        )
        out.print(
            f"did nothing: {n.file}:{n.line} {n.statement} ({n.notice}: the table it names does not exist "
            f"here; {why})",
            markup=False,
            style="yellow",
        )
    named = {file for file, _, _ in collisions or []}
    for h in result.history_collisions:
        if h.file in named:
            continue
        out.print(
            f"history: {h.file} shares version {h.version} with {h.collides_with}; "
            + (
                "the Supabase CLI fails on the schema_migrations primary key"
                if tool_named
                else _REFUSES["numbered"]
            ),
            markup=False,
            style="yellow",
        )
    for file, version, earlier in collisions or []:
        out.print(
            f"version: {file} shares version {version} with {earlier}; replayed anyway, but "
            f"{_refusal(result.tool, tool_named)}",
            markup=False,
            style="yellow",
        )
    for file, why in unmarked or []:
        out.print(f"refused: {file}: {why} (replayed here anyway)", markup=False, style="yellow")
    not_run = [o.file for o in result.files if o.status == "not-run"]
    if not_run:
        out.print(
            f"not run ({len(not_run)} files): stopped at the first failure; use --keep-going", markup=False
        )
    if result.url:
        out.print(f"database kept: {redact_url(result.url)}", markup=False)


def replay(
    ctx: typer.Context,
    directory: Annotated[str | None, typer.Argument(help=DIRECTORY_HELP)] = None,
    scratch_url: ScratchUrlOption = None,
    keep_going: Annotated[
        bool, typer.Option("--keep-going", help="Run each statement under a savepoint: find every failure.")
    ] = False,
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the scratch database and print its URL.")
    ] = False,
    snapshot: Annotated[
        str | None,
        typer.Option(
            "--snapshot", help="Write the resulting catalog snapshot (JSON) to this file.", show_default=False
        ),
    ] = None,
    stand_ins: Annotated[
        bool,
        typer.Option(
            "--stand-ins/--no-stand-ins",
            help="Stand-ins for extensions the scratch server lacks (uuid-ossp, pgcrypto, http, pg_net).",
        ),
    ] = True,
    supabase: Annotated[
        bool | None,
        typer.Option(
            "--supabase/--no-supabase",
            help="Install the Supabase base first (default: when the files use Supabase objects).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Apply the migrations in order to a fresh scratch database, the way the owning tool would."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from pgconsolidate.catalog import read_snapshot, snapshot_to_json
    from pgconsolidate.commands.compare import with_function_bodies
    from pgconsolidate.replay import replay_dir
    from pgconsolidate.replay.needs import supabase_reasons
    from pgconsolidate.replay.nested import nested_hint
    from pgconsolidate.replay.runner import discard
    from pgconsolidate.replay.snapshot import without_stand_ins
    from pgconsolidate.scratch import get_scratch_server
    from pgconsolidate.sources.reader import read_dir

    mdir = read_dir(directory)
    if snapshot:
        writable_output(snapshot)  # a missing or read-only directory: fail before the replay
    if not mdir.files:
        err.print(
            f"[yellow]{mdir.root}: no migration files{nested_hint(mdir)}[/]", markup=True, highlight=False
        )
    for f in mdir.files:
        if f.text is None:
            problem = f.problems[0] if f.problems else None
            where = f"{f.path}:{problem.line}" if problem else f.path
            raise InputError(
                f"{where}: {problem.message if problem else 'cannot be read'}; nothing was replayed"
            )
    server = get_scratch_server(resolve_scratch_url(ctx, scratch_url))
    reasons = supabase_reasons(mdir) if supabase is None else (("--supabase",) if supabase else ())
    if reasons:
        err.print(f"installing the Supabase base (roles, auth, storage, extensions): {', '.join(reasons)}")
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("replay", total=len(mdir.files))

        def progress(file: str, index: int, total: int) -> None:
            bar.update(task, completed=index, total=total, description=file[:40])

        result = replay_dir(
            mdir,
            server,
            keep_going=keep_going,
            supabase=bool(reasons),
            stand_ins=stand_ins,
            keep=True,
            progress=progress,
        )
    assert result.url is not None
    try:
        if snapshot:
            snap = without_stand_ins(read_snapshot(result.url), result)
            # the functions' bodies too: comparing the file shows where a changed body differs
            snap = with_function_bodies(snap, result.url)
            # named after the directory (as compare names a replayed one), not the throwaway database
            snap = replace(snap, source=mdir.root)
            write_output(snapshot, snapshot_to_json(snap))
            err.print(f"snapshot written to {snapshot}", markup=False)
    finally:
        if not keep:
            discard(server, result)
    if not keep:
        result = replace(result, url=None)
    else:  # kept at the user's request: never swept as a leak (see scratch.ownership)
        from pgconsolidate.scratch.databases import database_name, keep_database

        keep_database(server, database_name(result.url or ""))
    collisions = version_collisions(mdir)
    unmarked = unmarked_files(mdir)
    if fmt is OutputFormat.json:
        emit_json(result_json(result, collisions, unmarked))
    else:
        print_result(result, collisions, unmarked, tool_named=mdir.tool_named)
    if not result.ok or collisions or unmarked:  # the owning tool would not run this chain as replayed
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)
