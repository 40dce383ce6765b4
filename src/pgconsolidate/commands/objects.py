"""``pgconsolidate objects [DIR] [PATTERN]``: where did this object come from? Each matching object's
timeline (create, alter, rename, drop, grant, ...) file by file, from the migration files alone."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pgconsolidate.commands.common import DIRECTORY_HELP, FormatOption, OutputFormat
from pgconsolidate.console import err, out

if TYPE_CHECKING:
    from pgconsolidate.model.types import Analysis, Effect, ObjectState


def matching(analysis: Analysis, pattern: str | None) -> list[ObjectState]:
    """Objects whose identity matches ``pattern``: a glob when it has ``*?[``, else a case-insensitive
    substring; every object when None. Sorted by identity."""
    states = list(analysis.schema.objects.values())
    if pattern:
        if any(ch in pattern for ch in "*?["):
            states = [s for s in states if fnmatch.fnmatchcase(s.id.lower(), pattern.lower())]
        else:
            needle = pattern.lower()
            states = [s for s in states if needle in s.id.lower()]
    return sorted(states, key=lambda s: s.id)


#: what an object's kind is called in ``replay.objects.EXTENSION_OBJECTS`` (the objects well-known
#: extensions make), for the kinds that table names without a schema
_PROVIDED_AS = {"function": "function", "procedure": "function", "type": "type", "enum": "type"}
_PROVIDED_AS |= {"domain": "type"}


def extension_made(analysis: Analysis, states: list[ObjectState]) -> dict[str, ObjectState]:
    """The objects of ``states`` that no statement creates but an extension the migrations create makes
    (``cron`` when a file runs ``create extension pg_cron``; every object in that schema too; a function
    or type the extension is known to make, in any schema), by id: the extension's state."""
    from pgconsolidate.model.types import ObjectKind
    from pgconsolidate.replay.objects import EXTENSION_OBJECTS

    extensions = {
        s.id: s
        for s in analysis.schema.objects.values()
        if s.kind is ObjectKind.EXTENSION and not s.external and s.created is not None
    }
    schemas: dict[str, str] = {}
    named: dict[tuple[str, str], str] = {}
    for extension in sorted(extensions):
        for namespace, name in EXTENSION_OBJECTS.get(extension, ()):
            if namespace == "schema":
                schemas.setdefault(name, extension)
            else:
                named.setdefault((namespace, name), extension)
    out: dict[str, ObjectState] = {}
    for s in states:
        if not s.external:
            continue
        ext: str | None = None
        if s.kind is ObjectKind.SCHEMA:
            ext = schemas.get(s.id)
        elif s.kind not in (ObjectKind.EXTENSION, ObjectKind.ROLE):
            schema, _, rest = s.id.partition(".")
            ext = schemas.get(schema)
            kind = _PROVIDED_AS.get(s.kind.value)
            if ext is None and kind:
                ext = named.get((kind, rest.split("(", 1)[0]))
        if ext is not None:
            out[s.id] = extensions[ext]
    return out


def _renamed_to(state: ObjectState) -> str | None:
    """The identity ``state`` was renamed to, when a rename is the last thing that happened to it."""
    from pgconsolidate.model.types import Action

    last = state.events[-1] if state.events else None
    if last is not None and last.action is Action.RENAME and last.new_id:
        return last.new_id
    return None


def _status(state: ObjectState, made: dict[str, ObjectState], objects: Mapping[str, ObjectState]) -> str:
    ext = made.get(state.id)
    if ext is not None and ext.created is not None:
        at = f"{ext.created.ref.file}:{ext.created.ref.line}"
        return f"made by extension {ext.id} (created at {at}{'' if ext.exists else ', dropped later'})"
    if state.external:
        return "not created by these migrations"
    if state.exists:
        return "exists at the end"
    to = _renamed_to(state)
    if to is not None:
        return f"renamed to {to}"
    parent = objects.get(state.parent) if state.parent else None
    last = state.events[-1].action if state.events else None
    if (
        parent is not None
        and not parent.exists
        and last != "drop"
        and (to := _renamed_to(parent)) is not None
    ):
        return f"moved with its table (renamed to {to})"
    return "dropped"


def _note(e: Effect) -> str:
    bits = []
    if e.new_id:
        bits.append(f"→ {e.new_id}")
    if e.if_not_exists:
        bits.append("IF NOT EXISTS")
    if e.if_exists:
        bits.append("IF EXISTS")
    if e.cascade:
        bits.append("CASCADE")
    if e.conditional:
        bits.append("inside a DO block")
    detail = e.detail
    attribute = getattr(detail, "attribute", None)
    if attribute:
        value = getattr(detail, "value", None)
        shown = getattr(value, "display", value)
        bits.append(f"{attribute} = {shown}" if value is not None else str(attribute))
    if e.action.value in ("grant", "revoke"):
        privs = ", ".join(getattr(detail, "privileges", ()))
        roles = ", ".join(getattr(detail, "grantees", ()))
        bits.append(f"{privs} {'to' if e.action.value == 'grant' else 'from'} {roles}")
    return "  ".join(bits)


def to_document(analysis: Analysis, states: list[ObjectState]) -> dict[str, Any]:
    """The ``--format json`` document (``external``: no statement of the migrations nor an extension they
    create makes it; ``made_by_extension``: the extension that does, when no statement does)."""
    made = extension_made(analysis, states)
    return {
        "schema_version": 1,
        "directory": analysis.mdir.root,
        "objects": [
            {
                "id": s.id,
                "kind": s.kind.value,
                "exists": s.exists,
                "external": s.external and s.id not in made,
                "made_by_extension": made[s.id].id if s.id in made else None,
                "events": [
                    {
                        "file": e.ref.file,
                        "line": e.ref.line,
                        "column": e.ref.column,
                        "action": e.action.value,
                        "new_id": e.new_id,
                        "note": _note(e),
                    }
                    for e in s.events
                ],
            }
            for s in states
        ],
    }


def objects(
    directory: Annotated[str | None, typer.Argument(help=DIRECTORY_HELP)] = None,
    pattern: Annotated[
        str | None,
        typer.Argument(help="Glob (public.memor*) or substring (search_memories) of object identities."),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Show where objects come from: each matching object's timeline, file by file."""
    from rich.text import Text

    from pgconsolidate.analysis import analyze_dir
    from pgconsolidate.report.analyze import as_run
    from pgconsolidate.sources.reader import read_dir

    mdir = as_run(read_dir(directory))  # Flyway's ${...} substituted, as analyze reads it
    analysis = analyze_dir(mdir, keep_trees=False)
    states = matching(analysis, pattern)
    for f in mdir.files:  # a file that cannot be read or decoded contributes nothing: say why
        for problem in f.problems:
            err.print(f"{f.path}:{problem.line}: {problem.message}", markup=False, highlight=False)
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(to_document(analysis, states)))
        return
    if not states:
        err.print(f"no object matches {pattern!r}" if pattern else "no objects", markup=False)
        if not mdir.files:
            from pgconsolidate.replay.nested import nested_hint

            err.print(f"{mdir.root}: no migration files{nested_hint(mdir)}", markup=False, highlight=False)
        return
    made = extension_made(analysis, states)
    for s in states:
        head = Text()
        head.append(s.id, style="bold")
        head.append(f"  {s.kind.value}, {_status(s, made, analysis.schema.objects)}", style="dim")
        out.print(head)
        last_file = None
        for e in s.events:
            if e.ref.file != last_file:
                out.print(Text(f"  {e.ref.file}", style="cyan"))
                last_file = e.ref.file
            line = Text(f"    {e.ref.line:>5}  ")
            line.append(f"{e.action.value:<18}")
            note = _note(e)
            if note:
                line.append(note, style="dim")
            out.print(line)
    out.print(f"{len(states)} object(s)")


def register(app: typer.Typer) -> None:
    app.command("objects")(objects)
