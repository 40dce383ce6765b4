"""``pgconsolidate inventory [DIR]``: the files of a migrations directory, their versions and statements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pgconsolidate.commands.common import DIRECTORY_HELP, FormatOption, OutputFormat, emit_json
from pgconsolidate.console import out

if TYPE_CHECKING:
    from pgconsolidate.sources.model import MigrationDir


def inventory_rows(mdir: MigrationDir) -> list[dict[str, object]]:
    from pgconsolidate.statements.split import split_sql

    rows: list[dict[str, object]] = []
    for f in mdir.files:
        split = split_sql(f.path, f.forward_sql, first_line=f.span_line)
        rows.append(
            {
                "path": f.path,
                "version": f.version,
                "name": f.name,
                "scheme": f.scheme.value,
                "version_style": f.filename.version_style,
                "statements": len(split.statements),
                "parse_errors": len(split.failures),
                "problems": [p.message for p in f.problems],
                "sha256": f.sha256,
            }
        )
    return rows


def inventory(
    directory: Annotated[str | None, typer.Argument(help=DIRECTORY_HELP)] = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """List the migration files in the order the owning tool applies them, with statement counts."""
    from pgconsolidate.sources.reader import read_dir

    mdir = read_dir(directory)
    rows = inventory_rows(mdir)
    if fmt is OutputFormat.json:
        doc = {
            "schema_version": 1,
            "directory": mdir.root,
            "tool": mdir.tool.value,
            "files": rows,
            "skipped": [{"path": s.path, "reason": s.reason} for s in mdir.left_out],
        }
        emit_json(doc)
        return
    print_inventory_table(mdir, rows)
    versions: dict[str, int] = {}
    for row in rows:
        versions[str(row["version"])] = versions.get(str(row["version"]), 0) + 1
    shared = sorted(v for v, n in versions.items() if n > 1)
    styles = sorted({str(r["version_style"]) for r in rows})
    total = sum(int(str(r["statements"])) for r in rows)
    out.print(
        f"{len(rows)} files, {total} statements"
        + (f"; version styles: {', '.join(styles)}" if styles else ""),
        markup=False,
    )
    if shared:
        out.print(f"versions shared by several files: {', '.join(shared)}", markup=False)
    for row in rows:  # a file that cannot be read or decoded counts 0 statements: say why
        problems = row["problems"]
        for problem in problems if isinstance(problems, list) else ():
            out.print(f"{row['path']}: {problem}", markup=False, highlight=False)
    print_left_out(mdir)
    if not rows:
        from pgconsolidate.console import err
        from pgconsolidate.replay.nested import nested_hint

        err.print(f"{mdir.root}: no migration files{nested_hint(mdir)}", markup=False, highlight=False)


def print_inventory_table(mdir: MigrationDir, rows: list[dict[str, object]]) -> None:
    """The files as a table: position, file, version and statement count (with parse errors noted)."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(f"{mdir.root} ({mdir.tool_label}: {len(rows)} migration files)"))
    for col, justify in (("#", "right"), ("file", "left"), ("version", "left"), ("statements", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for i, row in enumerate(rows, 1):
        note = "" if not row["parse_errors"] else f" [red]({row['parse_errors']} parse error)[/]"
        table.add_row(
            str(i), escape(str(row["path"])), escape(str(row["version"])), f"{row['statements']}{note}"
        )
    out.print(table)


def print_left_out(mdir: MigrationDir) -> None:
    """The files of the directory that are not migrations, and why."""
    for s in mdir.left_out:
        out.print(f"left out: {s.path} ({s.reason})", markup=False)


def register(app: typer.Typer) -> None:
    app.command("inventory")(inventory)
