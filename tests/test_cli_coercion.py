"""The command line's plain coercion (``pgconsolidate.cli_coercion``) against Typer's own, on every
parameter of every command: same value accepted, converted the same way, or refused with the same message."""

from __future__ import annotations

import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
import typer
from typer import _click
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter

from pgconsolidate.cli_app import app
from pgconsolidate.cli_coercion import PlainRuntimeParam

_STRINGS = ["x", "", " a b ", "é", "-", ".", "a/b", "~/x", "postgresql://u:p@h/db", "0"]


def _samples(annotation: Any, existing: Path) -> list[Any]:
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        return [tuple(_samples(item, existing)[:3]), (), ["a"], "x"]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        members = list(annotation)
        return [*members, *(m.value for m in members), *(str(m.value).upper() for m in members), "nope", ""]
    if annotation is bool:
        return [True, False, "true", "0", "yes", "maybe"]
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return [*_STRINGS, str(existing), str(existing.parent), Path("p"), "missing/deeper/x"]
    return [*_STRINGS, 5, b"bytes"]


def _outcome(runtime: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        return "ok", runtime.coerce(value, param=param, ctx=ctx)
    except Exception as exc:  # the refusal and its wording must match
        return type(exc).__name__, str(getattr(exc, "message", exc))


def _parameters() -> list[tuple[str, _click.Command, _TyperParameter]]:
    group = typer.main.get_group(app)
    ctx = _click.Context(group, info_name="pgconsolidate")
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        found += [(name, command, p) for p in command.get_params(ctx) if isinstance(p, _TyperParameter)]
    found += [("<root>", group, p) for p in group.get_params(ctx) if isinstance(p, _TyperParameter)]
    return found


def test_every_plain_parameter_coerces_like_typer(tmp_path: Path) -> None:
    existing = tmp_path / "file.sql"
    existing.write_text("select 1;\n")
    params = _parameters()
    plain = [(n, c, p) for n, c, p in params if isinstance(p._runtime_param, PlainRuntimeParam)]
    # every parameter of our commands is plain today, help flags included
    assert len(plain) == len(params) and len(plain) > 50
    compared = 0
    for name, command, param in plain:
        ctx = _click.Context(command, info_name=name)
        typer_own = build_runtime_param(param.type_descriptor)
        for value in _samples(param.type_descriptor.annotation, existing):
            ours = _outcome(param._runtime_param, value, param, ctx)
            theirs = _outcome(typer_own, value, param, ctx)
            assert ours == theirs, (name, param.name, value)
            compared += 1
    assert compared > 500


def test_analyze_imports_no_pydantic(tmp_path: Path) -> None:
    (tmp_path / "001_a.sql").write_text("create table a (id int primary key);\n")
    code = (
        "import sys\nfrom pgconsolidate.cli import run\n"
        f"rc = run(['analyze', {str(tmp_path)!r}, '--format', 'json', '--select', 'duplicate-create'])\n"
        "assert 'pydantic' not in sys.modules, 'pydantic imported'\nsys.exit(rc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert '"schema_version": 1' in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "--format", "xml"], "'xml' is not one of 'text', 'json', 'sarif'"),
        (["analyze", "--fail-on", "sometimes"], "is not one of"),
    ],
)
def test_refused_values_keep_typers_message(args: list[str], message: str) -> None:
    code = f"import sys\nfrom pgconsolidate.cli import run\nsys.exit(run({args!r}))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert message in done.stderr
