"""The ``pgconsolidate`` command line: global options, command discovery, and one-line errors."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from typing import Annotated

import typer
from typer._click.exceptions import ClickException

from pgconsolidate import __version__
from pgconsolidate.commands.common import GlobalOptions
from pgconsolidate.errors import EXIT_USAGE, PgcError
from pgconsolidate.redact import redact_text

HELP = (
    "Consolidate a chaotic PostgreSQL / Supabase migration directory, safely.\n\n"
    "The path, end to end: [bold]analyze[/] the files; [bold]replay[/], [bold]inspect[/] and [bold]diff[/] "
    "to see what really exists; [bold]plan[/] and [bold]consolidate[/] to produce a data-preserving fix "
    "and a clean migration set; [bold]backup[/], [bold]apply[/], [bold]check[/] and [bold]rollback[/] to "
    "change a live database safely.\n\n"
    "Exit codes: 0 success, 1 problems or differences found, 2 usage or input error."
)

app = typer.Typer(
    name="pgconsolidate",
    help=HELP,
    rich_markup_mode="rich",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pgconsolidate {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="DATABASE_URL",
            show_envvar=True,
            help="PostgreSQL URL of the live database.",
            show_default=False,
        ),
    ] = None,
    scratch_url: Annotated[
        str | None,
        typer.Option(
            "--scratch-url",
            envvar="PGCONSOLIDATE_SCRATCH_URL",
            show_envvar=True,
            help="Server for throwaway databases (default: embedded PostgreSQL 18 + pgvector).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    ctx.obj = GlobalOptions(database_url=database_url, scratch_url=scratch_url)


def _register_commands() -> None:
    import pgconsolidate.commands as commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if info.name == "common" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"pgconsolidate.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


#: The user's path, end to end: each command's help panel and its place in ``--help``.
PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("1. Read the files", ("analyze", "objects", "inventory", "rules")),
    ("2. See what really exists", ("replay", "inspect", "compare", "diff")),
    ("3. Consolidate", ("plan", "consolidate", "verify", "restore-files")),
    ("4. Change a live database safely", ("backup", "apply", "check", "rollback")),
    ("Demonstration", ("demo", "demo-db")),
)


def _arrange_commands() -> None:
    """Group commands by step of the user's path, in that order; unknown ones go last."""
    order = {name: (i, j) for i, (_, names) in enumerate(PANELS) for j, name in enumerate(names)}
    panel = {name: title for title, names in PANELS for name in names}
    for command in app.registered_commands:
        if command.name in panel:
            command.rich_help_panel = panel[command.name]
    app.registered_commands.sort(key=lambda c: order.get(c.name or "", (len(PANELS), 0)))


_register_commands()
_arrange_commands()


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"pgconsolidate: error: {redact_text(message)}\n")
    return code


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (errors become one line on stderr, never a traceback)."""
    try:
        result = app(args=argv, prog_name="pgconsolidate", standalone_mode=False)
    except PgcError as exc:
        return _fail(exc.message, exc.exit_code)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return _fail("aborted", 130)
    except ClickException as exc:
        exc.show()
        return exc.exit_code if exc.exit_code else EXIT_USAGE
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line, unless debugging
        if os.environ.get("PGCONSOLIDATE_DEBUG"):
            raise
        return _fail(
            f"internal error: {type(exc).__name__}: {exc} (set PGCONSOLIDATE_DEBUG=1 for a traceback)", 3
        )
    return int(result) if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run())
