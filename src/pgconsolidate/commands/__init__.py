"""One module per CLI command (or small family of commands).

Each module defines ``register(app: typer.Typer) -> None``; :mod:`pgconsolidate.cli_app` finds every one of
them, so adding a command never means editing the CLI module. Command modules orchestrate stages and
render results; they hold no analysis logic of their own.

The CLI imports a command module only when one of its commands runs or when ``--help`` lists them all,
and ``--version`` imports none: keep a command module cheap to import. At the top, import only what the
signature needs (typer, typing, the options and enums of :mod:`pgconsolidate.commands.common`, small
enums of its own) and :mod:`pgconsolidate.console`; import stages (parsing, the model, the database,
replay, deploy, ...) inside the command function, and their types under ``TYPE_CHECKING``.
``tests/test_cli.py`` checks this in a fresh interpreter.
"""
