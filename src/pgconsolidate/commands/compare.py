"""``pgconsolidate compare A B`` (alias ``diff``): are two schemas the same, and if not, how do they differ?

A and B are each a database URL, a migrations directory (replayed into a throwaway scratch database) or
a snapshot JSON written by ``inspect --format json`` / ``inspect --output``. The comparison itself is the
pure :func:`pgconsolidate.compare.diff_snapshots`; this module only turns arguments into snapshots and
prints the result.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pgconsolidate.commands.common import (
    FormatOption,
    IgnoreOption,
    IncludeExtensionObjectsOption,
    IncludeManagedOption,
    OutputFormat,
    ScratchUrlOption,
    checked_ignore,
    emit_json,
    resolve_scratch_url,
)
from pgconsolidate.console import out
from pgconsolidate.errors import EXIT_FOUND, InputError

if TYPE_CHECKING:
    from pgconsolidate.catalog import Snapshot
    from pgconsolidate.compare import SnapshotDiff


def _looks_like_url(arg: str) -> bool:
    return arg.startswith(("postgres://", "postgresql://")) or ("=" in arg and not os.path.exists(arg))


def load_snapshot_arg(
    arg: str,
    *,
    scratch_url: str | None,
    include_extension_objects: bool = False,
    include_managed_schemas: bool = False,
) -> Snapshot:
    """A compare argument as a snapshot: a database URL, a migrations directory (built in a throwaway
    scratch database by the replay stage, which reports failures and stand-ins on stderr) or a JSON file."""
    from pgconsolidate.catalog import read_snapshot, read_snapshot_file
    from pgconsolidate.redact import redact_url
    from pgconsolidate.replay import replay_to_snapshot

    options = {
        "include_extension_objects": include_extension_objects,
        "include_managed_schemas": include_managed_schemas,
    }
    path = Path(arg)
    if not _looks_like_url(arg) and path.is_dir():
        from pgconsolidate.console import err
        from pgconsolidate.replay.nested import declarative_schemas, nested_hint
        from pgconsolidate.sources.reader import read_dir

        mdir = read_dir(arg)
        if not mdir.files and declarative_schemas(arg) is not None:
            err.print(
                f"{arg}: Supabase declarative schema files, replayed in lexicographic order of their paths",
                markup=False,
                highlight=False,
            )
        elif not mdir.files:  # a project root or a typo would otherwise look like an empty schema
            err.print(
                f"warning: {arg}: no migration files{nested_hint(mdir)}; compared as an empty schema",
                markup=False,
                highlight=False,
            )
        return replay_to_snapshot(arg, scratch_url=scratch_url, **options)
    if not _looks_like_url(arg) and path.is_file():
        try:
            return read_snapshot_file(path)
        except InputError as exc:
            if "schema_version None" in exc.message:  # a JSON object of something else
                raise InputError(
                    f"{path}: not a pgconsolidate snapshot (no schema_version; one is written by "
                    "inspect --output or replay --snapshot)"
                ) from None
            raise
    if _looks_like_url(arg):
        return read_snapshot(arg, **options)
    raise InputError(
        f"{redact_url(arg)}: not a database URL (postgresql://...), a migrations directory or a snapshot file"
    )


def _is_directory(arg: str) -> bool:
    return not _looks_like_url(arg) and Path(arg).is_dir()


def without_tool_history(snap: Snapshot, files: Snapshot, label: str) -> tuple[Snapshot, list[str]]:
    """``snap`` (a database or its snapshot) without the migration tool's history tables that ``files``
    (a replay of migration files) do not create, and a note naming them: the tool made them, the files
    never do, and ``inspect --against`` reconciles them as history."""
    from pgconsolidate.history.objects import history_object_names, history_tables_in, without_history

    built = {t.identity for t in files.tables}
    found = {t: tool for t, tool in history_tables_in(snap).items() if t not in built}
    if not found:
        return snap, []
    names = history_object_names(snap, found, files)
    listed = ", ".join(f"{t} ({tool})" for t, tool in sorted(found.items()))
    note = (
        f"not compared: the migration history table(s) of {label}: {listed}; "
        "`pgconsolidate inspect --against DIR` reconciles them with the files"
    )
    return without_history(snap, names), [note]


def database_bodies(url: str, identities: list[str], snap: Snapshot) -> dict[str, str]:
    """The bodies of ``identities`` (functions of ``snap``, the database's snapshot) as the database at
    ``url`` holds them now; a function it no longer has is left out."""
    from pgconsolidate.compare.names import Namer
    from pgconsolidate.db.connect import connection, load_sql

    namer = Namer((snap,))
    quoted = [namer.routine(i) or i for i in identities]
    query = load_sql("pgconsolidate.commands._queries", "function_bodies.sql").encode()
    with connection(url, autocommit=True) as conn:
        if conn.info.server_version < 140000:  # SQL-standard bodies (BEGIN ATOMIC) exist from 14 on
            query = query.replace(b"WHEN p.prosqlbody IS NOT NULL", b"WHEN false")
        conn.execute(load_sql("pgconsolidate.commands._queries", "function_bodies_path.sql").encode())
        rows = conn.execute(query, {"identities": identities, "quoted": quoted}).fetchall()
    return {str(r[0]): str(r[1]) for r in rows if r[1] is not None}


def directory_bodies(directory: str, identities: list[str]) -> dict[str, str]:
    """The bodies of ``identities`` as the migration files at ``directory`` leave them (their object
    model: each function's last definition)."""
    from pgconsolidate.analysis import analyze_dir
    from pgconsolidate.model.types import FunctionDef
    from pgconsolidate.sources.reader import read_dir

    mdir = read_dir(directory)
    if not mdir.files:
        return {}
    model = analyze_dir(mdir, keep_trees=False).schema
    out: dict[str, str] = {}
    for identity in identities:
        state = model.get(identity)
        if state is not None and state.exists and isinstance(state.detail, FunctionDef):
            out[identity] = state.detail.body
    return out


def bodies_of(arg: str, identities: list[str], snap: Snapshot) -> dict[str, str]:
    """The bodies of ``identities`` from a compare argument that has them: a snapshot file that kept them
    (:attr:`Snapshot.bodies`), a database URL, or a migrations directory. Best effort: a database that
    cannot be reached again gives none (the change is still reported, without its lines)."""
    import psycopg

    from pgconsolidate.catalog.model import Function
    from pgconsolidate.errors import PgcError

    if not identities:
        return {}
    wanted = set(identities)
    kept = {
        f.identity: snap.bodies[f.body_hash]
        for f in snap.functions
        if isinstance(f, Function) and f.identity in wanted and f.body_hash in snap.bodies
    }
    if len(kept) == len(wanted):
        return kept
    try:
        if _looks_like_url(arg):
            return {**database_bodies(arg, identities, snap), **kept}
        if _is_directory(arg):
            return {**directory_bodies(arg, identities), **kept}
    except (PgcError, psycopg.Error):
        return kept
    return kept


def with_function_bodies(snap: Snapshot, url: str) -> Snapshot:
    """``snap`` (read from the database at ``url``) keeping the normalised text of its functions' bodies,
    for a snapshot file: comparing the file then shows where a changed body differs. The database's bodies
    are matched to the snapshot's by hash (a body changed since the snapshot was read matches none)."""
    import psycopg

    from pgconsolidate.catalog.model import Function
    from pgconsolidate.catalog.normalize import body_hash, normalize_body
    from pgconsolidate.db.connect import connection, load_sql
    from pgconsolidate.errors import PgcError

    wanted = {f.body_hash for f in snap.functions if isinstance(f, Function)} - set(snap.bodies)
    if not wanted:
        return snap
    query = load_sql("pgconsolidate.commands._queries", "snapshot_bodies.sql").encode()
    try:
        with connection(url, autocommit=True) as conn:
            if conn.info.server_version < 140000:  # SQL-standard bodies (BEGIN ATOMIC) exist from 14 on
                query = query.replace(b"WHEN p.prosqlbody IS NOT NULL", b"WHEN false")
            rows = conn.execute(query).fetchall()
    except (PgcError, psycopg.Error):  # the bodies only show changes: the snapshot is whole without them
        return snap
    bodies = dict(snap.bodies)
    for (text,) in rows:
        key = body_hash(text)
        if key in wanted:
            bodies[key] = normalize_body(text or "")
    return dataclasses.replace(snap, bodies=bodies)


def print_diff(result: SnapshotDiff, *, a_label: str = "A", b_label: str = "B") -> None:
    """Text output: one line per differing object (a changed body's diff indented under it), then a
    summary."""
    from pgconsolidate.compare.render import text_lines

    colour = {"+": "green", "-": "red", "~": "yellow"}
    for line in text_lines(result, a_label=a_label, b_label=b_label):
        if line.startswith(" "):
            out.print(line, markup=False, highlight=False)
            continue
        out.print(f"[{colour[line[0]]}]{line[0]}[/] ", end="")
        out.print(line[2:], markup=False)
    for note in result.notes:
        out.print(f"note: {note}", markup=False)
    c = result.counts()
    ignored = f" (not compared: {', '.join(result.ignored)})" if result.ignored else ""
    if result.equivalent:
        out.print(f"equivalent: no differences{ignored}")
    else:
        out.print(
            f"{len(result.differences)} differences: {c['added']} only in {b_label}, "
            f"{c['removed']} only in {a_label}, {c['changed']} changed{ignored}"
        )


def compare(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="Database URL, migrations directory or snapshot JSON.")],
    b: Annotated[str, typer.Argument(help="Database URL, migrations directory or snapshot JSON.")],
    fmt: FormatOption = OutputFormat.text,
    include_managed: IncludeManagedOption = False,
    include_extension_objects: IncludeExtensionObjectsOption = False,
    ignore: IgnoreOption = None,
    scratch_url: ScratchUrlOption = None,
) -> None:
    """Compare two schemas object by object (exit 0 when equivalent, 1 when they differ)."""
    from pgconsolidate.catalog.reader import read_snapshots
    from pgconsolidate.compare import diff_snapshots
    from pgconsolidate.compare.bodies import changed_bodies, with_body_diffs
    from pgconsolidate.compare.owners import as_live_role
    from pgconsolidate.compare.render import to_json

    ignored = checked_ignore(ignore)
    scratch = resolve_scratch_url(ctx, scratch_url)
    options = {
        "include_extension_objects": include_extension_objects,
        "include_managed_schemas": include_managed,
    }
    if a != b and _looks_like_url(a) and _looks_like_url(b):
        snap_a, snap_b = read_snapshots([a, b], **options)  # two live databases: read at the same time
    else:
        snap_a = load_snapshot_arg(a, scratch_url=scratch, **options)
        # the same argument twice (a chain compared with itself) is read or replayed once
        snap_b = snap_a if b == a else load_snapshot_arg(b, scratch_url=scratch, **options)
    history_notes: list[str] = []
    if _is_directory(a) != _is_directory(b):
        # a database (or its snapshot) against migration files: the tool's history table is history
        # and the files never name the role that applies them: read as applied by the database's
        if _is_directory(a):
            snap_b, history_notes = without_tool_history(snap_b, snap_a, "B")
            snap_a, role_notes = as_live_role(snap_a, snap_b)
        else:
            snap_a, history_notes = without_tool_history(snap_a, snap_b, "A")
            snap_b, role_notes = as_live_role(snap_b, snap_a)
        history_notes = list(role_notes) + history_notes
    result = diff_snapshots(snap_a, snap_b, ignore=ignored)
    changed = changed_bodies(result)
    if changed:  # where each changed body differs, from the sides that still have the bodies
        result = with_body_diffs(
            result, bodies_of(a, changed, snap_a), bodies_of(b, changed, snap_b), a_label="A", b_label="B"
        )
    if history_notes:
        result = dataclasses.replace(result, notes=result.notes + tuple(history_notes))
    if fmt is OutputFormat.json:
        emit_json(to_json(result))
    else:
        out.print(f"A: {snap_a.source}", markup=False)
        out.print(f"B: {snap_b.source}", markup=False)
        print_diff(result)
    if not result.equivalent:
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
    app.command("diff", help="Alias of compare.")(compare)
