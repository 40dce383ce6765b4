"""Rule ``parse-error``: statements PostgreSQL's parser rejects, and files that cannot be read."""

from __future__ import annotations

from collections.abc import Iterator

from pgconsolidate.rules.finding import Location, Severity
from pgconsolidate.rules.registry import Hit, RuleContext, rule
from pgconsolidate.statements.model import ParseFailure


def _skip_noise(text: str, pos: int) -> int:
    """Offset of the first token at or after ``pos`` (skips whitespace and comments)."""
    n = len(text)
    while pos < n:
        if text[pos].isspace():
            pos += 1
        elif text.startswith("--", pos):
            nl = text.find("\n", pos)
            pos = n if nl < 0 else nl + 1
        elif text.startswith("/*", pos):
            close = text.find("*/", pos + 2)
            pos = n if close < 0 else close + 2
        else:
            break
    return pos


def _offset_of(text: str, lines_down: int, column: int) -> int:
    """The offset of ``column`` (1-based) on the line ``lines_down`` lines below the first of ``text``."""
    pos = 0
    for _ in range(lines_down):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    return pos + column - 1


def statement_start(text: str, first_line: int, failure: ParseFailure) -> tuple[int, int]:
    """(line, column) of the first token of the statement that failed to parse: the last place its text
    starts at or before the error (two identical lines, such as two ``\\echo done`` psql meta-commands,
    are two findings on their own lines, not two on the first)."""
    at = text.find(failure.text) if failure.text else -1
    if at >= 0 and failure.line > first_line:
        error_at = _offset_of(text, failure.line - first_line, failure.column)
        at = max(at, text.rfind(failure.text, 0, error_at + len(failure.text)))
    if at < 0:
        return failure.line, failure.column
    pos = _skip_noise(text, at)
    line = text.count("\n", 0, pos) + first_line
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    if line > failure.line:
        return failure.line, failure.column
    return line, column


@rule(
    id="parse-error",
    severity=Severity.ERROR,
    help="Fix the SQL at the reported position (the statement starts at the finding's line); for a file "
    "that cannot be read or decoded, re-save it as UTF-8 without NUL bytes.",
)
def parse_error(ctx: RuleContext) -> Iterator[Hit]:
    """A statement PostgreSQL's parser rejects, or a file that cannot be read.

    The migration tool would stop at this file: every later file never runs, and on a fresh
    database everything the statement (and its file) creates is missing. The finding points at the
    first token of the statement; the message carries PostgreSQL's own error and the exact line and
    column of the error. Files that are not valid UTF-8 (with the byte offset), contain NUL bytes, are
    empty, too large or unreadable are reported here too; the rest of the directory is still analyzed.
    A psql meta-command line (``\\restrict <key>``, which pg_dump 17.6+ writes, ``\\set ON_ERROR_STOP on``,
    ``\\connect``, ``\\i``) is reported at its own line as what it is, in the words ``replay`` uses: only
    psql runs it, a migration tool sends it to the server, which rejects it. The SQL after it is still
    read, as psql reads it (a meta-command ends at the end of its line).
    """
    by_path = {f.path: f for f in ctx.mdir.files}
    for mf in ctx.mdir.files:
        for p in mf.problems:
            sev = Severity.WARNING if p.kind == "empty" else None
            yield Hit(f"{p.kind}: {p.message}", Location(mf.path, p.line, p.column), severity=sev)
    for fs in ctx.files:
        owner = by_path.get(fs.file)
        for failure in fs.failures:
            line, column = (
                statement_start(owner.forward_sql, owner.span_line, failure)
                if owner
                else (failure.line, failure.column)
            )
            msg = f"{failure.message} (at line {failure.line}, column {failure.column})"
            yield Hit(msg, Location(fs.file, line, column))
