"""``pgconsolidate analyze [DIR]``: every problem of a migrations directory, from the files alone; and
``pgconsolidate rules``. The work is :func:`pgconsolidate.report.analyze.analyze_directory`; this module
renders it. Stages, renderers and the Rich consoles are imported inside the command functions, each when
it is first needed: on a large directory the analysis forks a helper, and whatever this process imports
before that fork (Rich alone costs ~25 ms) delays both processes."""

from __future__ import annotations

import contextlib
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

#: From this many statements the CLI leaves without freeing the analysis (see :func:`_leave`).
FAST_EXIT_STATEMENTS = 20_000


class AnalyzeFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    never = "never"


def _uri_prefix(root: str) -> str:
    """The migrations directory relative to the working directory (repository root in CI)."""
    rel = os.path.relpath(Path(root).resolve(), Path.cwd().resolve())
    if rel == "." or rel.startswith(".."):
        return "" if rel == "." else Path(root).as_posix()
    return Path(rel).as_posix()


def _write_json(doc: dict[str, object] | bytes) -> None:
    """Write a JSON document (or its bytes) to stdout as is (Rich's JSON rendering is slow on large
    documents); as bytes when the stream has a binary buffer (no second, decoded copy of a document that
    can be 100 MB)."""
    import orjson

    from pgconsolidate.console import out

    data = (
        doc
        if isinstance(doc, bytes)
        else orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    )
    out.file.flush()
    buffer = getattr(out.file, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:
        out.file.write(data.decode())
        out.file.flush()


SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select", help="Run only these rules (repeatable or comma-separated).", show_default=False
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore", help="Do not run these rules (repeatable or comma-separated).", show_default=False
    ),
]


def _rule_ids(values: list[str] | None) -> set[str]:
    """The rule ids of a repeatable, comma-separated option."""
    return {part.strip() for value in values or () for part in value.split(",") if part.strip()}


def analyze(
    directory: Annotated[
        str | None,
        typer.Argument(
            help="Migrations directory (default: supabase/migrations, else migrations, prisma/migrations, "
            "drizzle, else .)."
        ),
    ] = None,
    fmt: Annotated[AnalyzeFormat, typer.Option("--format", help="Output format.")] = AnalyzeFormat.text,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Exit 1 when findings at or above this level exist [default: error]."),
    ] = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config_file: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Configuration file (default: pgconsolidate.toml or pyproject.toml).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Find duplicates, conflicts, security and hygiene problems in a migrations directory (no database).

    Exit codes: 0 no findings at or above --fail-on, 1 such findings exist, 2 usage or input error.
    """
    from pgconsolidate.config import load_config
    from pgconsolidate.gcpause import paused_gc
    from pgconsolidate.report.analyze import analyze_directory, exit_code
    from pgconsolidate.sources.reader import resolve_dir

    both = sorted(_rule_ids(select) & _rule_ids(ignore))
    if both:
        from pgconsolidate.errors import InputError

        raise InputError(f"--select and --ignore both name {', '.join(both)}: a rule is either run or not")
    root = resolve_dir(directory)
    cfg = load_config(root, config_file)
    with paused_gc():  # the report holds many small acyclic records: no GC passes over them
        report = analyze_directory(
            root,
            select=select,
            ignore=ignore,
            config=cfg,
            timelines=fmt is AnalyzeFormat.json,
            meanwhile=lambda: _import_renderer(fmt),
        )
        if fmt is AnalyzeFormat.json:
            from pgconsolidate.report.json_report import json_bytes

            _write_json(json_bytes(report))
        elif fmt is AnalyzeFormat.sarif:
            from pgconsolidate.report.sarif import to_sarif

            _write_json(to_sarif(report, _uri_prefix(report.mdir.root)))
        else:
            from pgconsolidate.console import err, out
            from pgconsolidate.report.text import PlainLines, render_text

            if not report.mdir.files:
                from pgconsolidate.replay.nested import nested_hint

                err.print(
                    f"{report.mdir.root}: no migration files{nested_hint(report.mdir)}",
                    style="yellow",
                    markup=False,
                    highlight=False,
                )
            # a console writing no styles (a pipe, a file) takes the findings' lines as they are
            plain = out.color_system is None and not out.record
            for renderable in render_text(report, plain=plain):
                if isinstance(renderable, PlainLines):
                    out.file.write(f"{renderable}\n")
                else:
                    out.print(renderable)
        level = fail_on.value if fail_on is not None else (cfg.fail_on or "error")
        code = exit_code(report.findings, level)
        if report.statement_count >= FAST_EXIT_STATEMENTS:
            # still inside the pause: the collector's first pass after it would scan every object the
            # rules and renderers made since the analysis froze its records (~0.25 s on 10,000 files)
            _leave(code)
    if code:
        raise typer.Exit(code)


def _import_renderer(fmt: AnalyzeFormat) -> None:
    """Import the modules that render ``fmt`` (and Rich, for text). Not before the analysis: the model's
    helper process, forked from this one, needs none of them; while the rules run, once the rules'
    helper is forked, where this work is shared out like the rules instead of following them."""
    if fmt is AnalyzeFormat.json:
        import pgconsolidate.report.json_report
    elif fmt is AnalyzeFormat.sarif:
        import pgconsolidate.report.sarif
    else:
        import pgconsolidate.console
        import pgconsolidate.report.text  # noqa: F401


def _leave(code: int) -> None:
    """End the process now, with ``code``, when it runs as the ``pgconsolidate`` command itself (not
    inside a test runner or a library call): freeing a large analysis (millions of small records)
    one by one at exit takes seconds and serves no one. The output is flushed first, and the system's
    teardown of the memory is left to a holder (:func:`exit_without_teardown`)."""
    if sys.stdout is not sys.__stdout__ or sys.stderr is not sys.__stderr__:
        return
    from pgconsolidate.console import err, out

    for stream in (out.file, err.file, sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()
    exit_without_teardown(code)


#: How long the holder of :func:`exit_without_teardown` keeps the memory: far longer than the few
#: instructions between its start and this process's exit.
HOLD_SECONDS = 1

_CLONE_VM = 0x100
_CLONE_FILES = 0x400
_SIGCHLD = 17


def exit_without_teardown(code: int, hold_seconds: int = HOLD_SECONDS) -> None:
    """``os._exit(code)`` without making whoever waits for this process (the shell, a CI step) wait
    while the system tears down its memory too: on a 10,000-file directory (~800 MB of small records)
    that teardown takes ~0.1-0.2 s after the last byte is written, and the process counts as running
    until it is done.

    On Linux, a holder is started first: a task sharing this process's memory and descriptor table
    (``clone(CLONE_VM | CLONE_FILES)``) that only runs the C library's ``sleep(hold_seconds)`` and then
    ends, without running any Python. This process then closes every descriptor (they are shared: a
    reader of the output sees its end now, not when the holder ends) and exits; as the holder still
    uses the memory, the exit does not free it, and the holder's own end does, later, on its own
    (``init`` reaps it, as it reaps the rules' released helper). Where this is not possible (not
    Linux, no ``clone`` in the C library, refused), or when ``os._exit`` was replaced (a test, a
    profiler or a timing script that reports as the process leaves, and would then find its output
    closed), this is plain ``os._exit(code)``. The caller flushes its output before."""
    stack = None
    if sys.platform.startswith("linux") and os._exit is getattr(sys.modules.get("posix"), "_exit", None):
        with contextlib.suppress(Exception):
            stack = _start_holder(hold_seconds)
    if stack is not None:
        os.closerange(0, _max_fd())
    os._exit(code)


def _start_holder(hold_seconds: int) -> object | None:
    """Start the holder (see :func:`exit_without_teardown`); its stack (to keep alive until the exit),
    or None when it did not start."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    clone, sleep = libc.clone, libc.sleep
    clone.restype = ctypes.c_int
    clone.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    size = 1 << 16
    stack = ctypes.create_string_buffer(size)
    top = (ctypes.addressof(stack) + size - 64) & ~15  # the stack grows down, 16-byte aligned
    pid = clone(
        ctypes.cast(sleep, ctypes.c_void_p),
        ctypes.c_void_p(top),
        _CLONE_VM | _CLONE_FILES | _SIGCHLD,
        ctypes.c_void_p(max(1, hold_seconds)),  # sleep's argument
    )
    return stack if pid > 0 else None


def _max_fd() -> int:
    """One more than the highest descriptor number this process may have open."""
    try:
        return max(int(name) for name in os.listdir("/proc/self/fd")) + 1
    except (OSError, ValueError):
        return int(os.sysconf("SC_OPEN_MAX")) if hasattr(os, "sysconf") else 1024


def rules_command(
    rule_id: Annotated[str | None, typer.Argument(help="Explain this rule.")] = None,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print docs/rules.md.")] = False,
) -> None:
    """List the rules of `analyze`, or explain one."""
    from pgconsolidate.console import out
    from pgconsolidate.report.rules_doc import rules_markdown
    from pgconsolidate.rules.registry import all_rules, selected_rules

    rules = all_rules()
    if markdown:
        out.print(rules_markdown(rules), markup=False, highlight=False, end="")
        return
    if rule_id is not None:
        selected_rules([rule_id])
        info = rules[rule_id]
        out.print(f"[bold]{info.id}[/] ({info.severity.value}): {info.summary}\n")
        out.print(info.description, markup=False)
        out.print(f"\n[bold]How to fix:[/] {info.help}")
        return
    from rich.table import Table

    table = Table(title=f"{len(rules)} rules")
    table.add_column("rule")
    table.add_column("severity")
    table.add_column("summary")
    for info in rules.values():
        table.add_row(info.id, info.severity.value, info.summary)
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
    app.command("rules")(rules_command)
