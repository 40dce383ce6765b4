"""Command-line values turned into Python values without importing pydantic, where that is plain.

Typer (0.29) coerces every parameter's value through a pydantic ``TypeAdapter`` built on first use:
importing pydantic and building the adapters costs about 0.15 s of CPU on each run of every command
(more than the rest of the command line's start-up). Our commands' parameters are plain: ``str``,
``bool`` flags, enums, ``Path`` and lists of ``str``. :func:`install` gives each such parameter a
coercion doing what Typer's adapter does for those types (the same helpers for choices and paths),
directly. Anything else, and any value the plain coercion does not accept, goes to Typer's own
coercion, so a value is accepted, converted or refused (with the same message) exactly as before;
``tests/test_cli_coercion.py`` compares both on every parameter of every command.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from typer import _click
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path, routes_to_path
from typer.core import _TyperParameter


class _NotPlain(Exception):
    """The value or its type is not one the plain coercion handles: Typer's coercion takes it."""


def _leaf(descriptor: TypeDescriptor, annotation: Any, value: Any, param: Any, ctx: Any) -> Any:
    info = descriptor.parameter_info
    if annotation is str:
        if type(value) is str:
            return value
    elif annotation is bool:
        if type(value) is bool:
            return value
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        return coerce_cli_choice(
            value, choices=tuple(annotation), case_sensitive=info.case_sensitive, ctx=ctx
        )
    elif isinstance(annotation, type) and issubclass(annotation, Path) and routes_to_path(annotation, info):
        path_type = info.path_type if info.path_type is not None else annotation
        if type(value) is str and value and isinstance(path_type, type) and issubclass(path_type, Path):
            return coerce_cli_path(path_type(value), info, path_type=path_type, param=param, ctx=ctx)
    raise _NotPlain


def _plain(descriptor: TypeDescriptor, value: Any, param: Any, ctx: Any) -> Any:
    annotation: Any = descriptor.annotation
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        items = value if isinstance(value, list | tuple) else [value]
        return [_leaf(descriptor, item, v, param, ctx) for v in items]
    return _leaf(descriptor, annotation, value, param, ctx)


def plain_type(descriptor: TypeDescriptor) -> bool:
    """Whether the plain coercion handles (some values of) a parameter of this type."""
    info = descriptor.parameter_info
    if descriptor.is_file or info.parser is not None:
        return False
    annotation: Any = descriptor.annotation
    if get_origin(annotation) is list:
        args = get_args(annotation)
        if len(args) != 1:
            return False
        annotation = args[0]
    if annotation is str or annotation is bool:
        return True
    return isinstance(annotation, type) and issubclass(annotation, Enum | Path)


@dataclass(frozen=True)
class PlainRuntimeParam(RuntimeParam):
    """Coercion of a plain parameter's value; Typer's own (:func:`typer._coercion.build_runtime_param`,
    built only then) for values it does not handle."""

    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: _click.Context) -> Any:
        try:
            return _plain(self.descriptor, value, param, ctx)
        except Exception:  # Typer's coercion decides, and words any refusal
            pass
        return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


def install(params: Iterable[object]) -> None:
    """Give each plain parameter of ``params`` (a command's ``params``) the plain coercion; the others
    keep Typer's."""
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            descriptor = param.type_descriptor
            if plain_type(descriptor):
                param._runtime_param = PlainRuntimeParam(
                    parameter_info=descriptor.parameter_info,
                    annotation=descriptor.annotation,
                    descriptor=descriptor,
                )
