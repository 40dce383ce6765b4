"""The ``pgconsolidate`` Typer application: the root options, the help panels and the lazy command group.

:mod:`pgconsolidate.cli` runs it (and turns errors into one line); this module is imported only when a
command line needs more than ``pgconsolidate --version``.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Annotated

import typer
from typer import _click
from typer.core import TyperGroup, TyperOption

from pgconsolidate import __version__, cli_coercion
from pgconsolidate.commands.common import GlobalOptions

HELP = (
    "Consolidate a chaotic PostgreSQL / Supabase migration directory, safely.\n\n"
    "The path, end to end: [bold]analyze[/] the files; [bold]replay[/], [bold]inspect[/] and [bold]diff[/] "
    "to see what really exists; [bold]plan[/] and [bold]consolidate[/] to produce a data-preserving fix "
    "and a clean migration set; [bold]backup[/], [bold]apply[/], [bold]check[/] and [bold]rollback[/] to "
    "change a live database safely.\n\n"
    "Exit codes: 0 success, 1 problems or differences found, 2 usage or input error."
)

#: The user's path, end to end: each command's help panel and its place in ``--help``.
PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("1. Read the files", ("analyze", "objects", "inventory", "rules")),
    ("2. See what really exists", ("replay", "inspect", "compare", "diff")),
    ("3. Consolidate", ("plan", "consolidate", "verify", "restore-files")),
    ("4. Change a live database safely", ("backup", "apply", "check", "rollback")),
    ("Demonstration", ("demo", "demo-db")),
)
_ORDER = {name: (i, j) for i, (_, names) in enumerate(PANELS) for j, name in enumerate(names)}
_PANEL = {name: title for title, names in PANELS for name in names}

#: ``app.command("name")`` in a command module's source: where to look first for a command by name.
_REGISTERS = re.compile(r"""\.command\(\s*["']([\w-]+)["']""")


def command_modules() -> list[str]:
    """The command modules (``pgconsolidate.commands.<name>``), by name; none is imported."""
    import pkgutil

    import pgconsolidate.commands as commands

    return sorted(
        info.name
        for info in pkgutil.iter_modules(commands.__path__)
        if info.name != "common" and not info.name.startswith("_")
    )


def _declared_in(module: str) -> set[str]:
    """Command names a module's source registers literally (a hint: the module is still imported to know)."""
    import pgconsolidate.commands as commands

    try:
        text = (Path(commands.__path__[0]) / f"{module}.py").read_text(encoding="utf-8")
    except OSError:
        return set()
    return set(_REGISTERS.findall(text))


class LazyCommands(TyperGroup):
    """The root command group: a command module is imported only when one of its commands is needed.

    ``--version`` imports no command module; ``pgconsolidate replay ...`` imports ``commands/replay.py``
    only (found by the name it registers, else by importing them all); ``--help`` imports them all, for
    their one-line help. Each module's ``register(app)`` runs on a small Typer of its own whose commands
    are then added here, with the help panel of their step in :data:`PANELS`.
    """

    def __init__(self, **attrs: object) -> None:
        super().__init__(**attrs)  # type: ignore[arg-type]
        self._loaded: set[str] = set()
        cli_coercion.install(self.params)  # values converted without pydantic (see cli_coercion)

    def _load(self, module_name: str) -> None:
        if module_name in self._loaded:
            return
        self._loaded.add(module_name)
        module = importlib.import_module(f"pgconsolidate.commands.{module_name}")
        register = getattr(module, "register", None)
        if register is None:
            return
        family = typer.Typer(rich_markup_mode=self.rich_markup_mode)
        register(family)
        if not family.registered_commands and not family.registered_groups:
            return
        for name, command in typer.main.get_group(family).commands.items():
            if name in _PANEL:
                command.rich_help_panel = _PANEL[name]  # type: ignore[attr-defined]
            cli_coercion.install(command.params)
            self.commands.setdefault(name, command)

    def _load_all(self) -> None:
        for module_name in command_modules():
            self._load(module_name)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        if cmd_name not in self.commands:
            guess = cmd_name.replace("-", "_")
            modules = command_modules()
            for module_name in sorted(modules, key=lambda m: m != guess):
                if module_name == guess or cmd_name in _declared_in(module_name):
                    self._load(module_name)
                    if cmd_name in self.commands:
                        break
            else:
                self._load_all()
        command = self.commands.get(cmd_name)
        if command is not None and "help_option_names" not in command.context_settings:
            # its help flag (made on first use, with the names its context inherits from this one's)
            cli_coercion.install([command.get_help_option(ctx)])
        return command

    def get_help_option(self, ctx: _click.Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        cli_coercion.install([option])
        return option

    def list_commands(self, ctx: _click.Context) -> list[str]:
        """Every command, grouped by step of the user's path in that order; unknown ones go last."""
        self._load_all()
        return sorted(self.commands, key=lambda name: _ORDER.get(name, (len(PANELS), 0)))


app = typer.Typer(
    name="pgconsolidate",
    help=HELP,
    cls=LazyCommands,
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
