"""One module per CLI command (or small family of commands).

Each module defines ``register(app: typer.Typer) -> None``; :mod:`pgconsolidate.cli` finds and calls
every one of them, so adding a command never means editing the CLI module. Command modules orchestrate
stages and render results; they hold no analysis logic of their own.
"""
