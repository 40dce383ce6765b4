"""Statements and parse errors, with the file, line and column they come from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pgconsolidate.statements.records import fast_init


def first_line_of(text: str) -> str:
    """The first non-empty line of a statement's text, stripped, for messages ("" when there is none)."""
    for ln in text.splitlines():
        if ln.strip():
            return ln.strip()
    return ""


@fast_init
@dataclass(frozen=True, slots=True)
class Statement:
    """One top-level SQL statement of a migration file.

    ``node`` is libpg_query's JSON parse tree of the statement (``{"CreateStmt": {...}}``); it is kept
    out of equality and hashing. ``start``/``end`` are character offsets in the file's text.
    ``ignores`` holds the rule ids silenced by ``-- pgconsolidate: ignore RULE`` comments right before
    the statement (``"*"`` silences every rule).
    """

    file: str
    index: int
    line: int
    column: int
    end_line: int
    start: int
    end: int
    text: str
    kind: str
    node: dict[str, Any] = field(compare=False, hash=False, repr=False)
    ignores: frozenset[str] = frozenset()

    @property
    def first_line(self) -> str:
        """The statement's first non-empty line, for messages."""
        return first_line_of(self.text)

    @property
    def body(self) -> dict[str, Any]:
        """The node's fields (``node["CreateStmt"]``)."""
        return next(iter(self.node.values())) if self.node else {}


@fast_init
@dataclass(frozen=True, slots=True)
class ParseFailure:
    """PostgreSQL's parser rejected part of a file."""

    file: str
    line: int
    column: int
    message: str
    text: str  # the statement (or remainder of the file) that did not parse


@fast_init
@dataclass(frozen=True, slots=True)
class FileStatements:
    """What one file splits into."""

    file: str
    statements: tuple[Statement, ...]
    failures: tuple[ParseFailure, ...]
    file_ignores: frozenset[str] = frozenset()
