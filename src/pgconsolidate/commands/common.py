"""Options and helpers shared by command modules."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import typer

from pgconsolidate.errors import InputError


@dataclass(frozen=True)
class GlobalOptions:
    """Options given before the command name (``pgconsolidate --database-url URL analyze``)."""

    database_url: str | None = None
    scratch_url: str | None = None


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def global_options(ctx: typer.Context) -> GlobalOptions:
    root = ctx.find_root()
    obj = root.obj
    return obj if isinstance(obj, GlobalOptions) else GlobalOptions()


DatabaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="PostgreSQL URL of the live database (default: $DATABASE_URL).",
        show_default=False,
    ),
]
ScratchUrlOption = Annotated[
    str | None,
    typer.Option(
        "--scratch-url",
        help="Server on which throwaway databases are created (default: the embedded PostgreSQL 18).",
        show_default=False,
    ),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]


def resolve_database_url(ctx: typer.Context, value: str | None, *, required: bool = False) -> str | None:
    """The URL from the command, else the global option, else ``$DATABASE_URL``."""
    url = value or global_options(ctx).database_url or os.environ.get("DATABASE_URL") or None
    if required and not url:
        raise InputError("no database: pass --database-url URL or set DATABASE_URL")
    return url


def resolve_scratch_url(ctx: typer.Context, value: str | None) -> str | None:
    return value or global_options(ctx).scratch_url or os.environ.get("PGCONSOLIDATE_SCRATCH_URL") or None
