"""The statements a replay sends, one by one, with the line each starts on (pure).

Files are cut with libpg_query's scanner (``pglast.parser.split(..., with_parser=False)``), the way a
migration tool sends them: a statement with a syntax error is still one unit (the server reports it with
its own message) and does not swallow the rest of the file. Each unit is then parsed on its own so that
root-cause analysis knows what it would have created (the JSON tree is decoded only when needed).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pglast import keywords, parser

from pgconsolidate.sources.model import MigrationFile
from pgconsolidate.statements.atomic import join_atomic_bodies
from pgconsolidate.statements.psql import blank, copy_blocks, meta_command_lines
from pgconsolidate.statements.split import scanner_slices, uncovered

_NOISE = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)


_KIND = re.compile(r'"stmts":\[\{"stmt":\{"(\w+)"')


@dataclass(frozen=True)
class Unit:
    """One statement to execute: its text, first line, and parse tree.

    ``tree`` is libpg_query's JSON for the statement (a string, decoded only when ``node`` is asked for:
    most statements of a long chain are never looked at again) or an already decoded node; None when
    the statement does not parse.
    """

    file: str
    line: int
    text: str
    tree: str | dict[str, Any] | None = field(compare=False, hash=False, repr=False)
    copy_data: str | None = field(default=None, repr=False)

    @property
    def parses(self) -> bool:
        return self.tree is not None

    @cached_property
    def node(self) -> dict[str, Any] | None:
        if self.tree is None or isinstance(self.tree, dict):
            return self.tree
        stmts = json.loads(self.tree).get("stmts", [])
        node = stmts[0].get("stmt") if len(stmts) == 1 else None
        return node if isinstance(node, dict) else None

    @property
    def kind(self) -> str:
        if isinstance(self.tree, str):
            m = _KIND.search(self.tree, 0, 200)
            return m.group(1) if m else ""
        return next(iter(self.tree)) if self.tree else ""

    @property
    def body(self) -> dict[str, Any]:
        node = self.node
        return next(iter(node.values())) if node else {}

    @property
    def first_line(self) -> str:
        """The statement as replay's messages show it: see ``excerpt``."""
        return excerpt(self.text)


#: every SQL keyword (lower case): a line made of keywords alone (``SELECT``, ``CREATE OR REPLACE FUNCTION``,
#: ``INSERT INTO``) does not say which statement fails
_KEYWORDS = frozenset(
    keywords.RESERVED_KEYWORDS
    | keywords.UNRESERVED_KEYWORDS
    | keywords.COL_NAME_KEYWORDS
    | keywords.TYPE_FUNC_NAME_KEYWORDS
)
#: the tokens of a line: runs of anything but blanks, parentheses, commas and semicolons
_TOKEN = re.compile(r"[^\s(),;]+")
_DOLLAR_TAG = re.compile(r"\$\w*\$")
#: lines an excerpt runs on to at most, and its length at most (longer: cut, with "...")
EXCERPT_LINES = 4
EXCERPT_CHARS = 120


def _code(line: str) -> str:
    """``line`` stripped, without a trailing ``--`` comment (one after a quote is kept: it may be text)."""
    at = line.find("--")
    if at >= 0 and "'" not in line[:at] and '"' not in line[:at]:
        line = line[:at]
    return line.strip()


def _says_nothing(line: str) -> bool:
    """A line of keywords, dollar-quote tags and punctuation only (``SELECT``, ``DO $$``, ``(``)."""
    return all(t.lower() in _KEYWORDS or _DOLLAR_TAG.fullmatch(t) for t in _TOKEN.findall(line))


def excerpt(text: str) -> str:
    """A statement's text as messages show it: its first line of code (comment lines skipped), run on to
    the next ones while what is shown is keywords alone (``SELECT`` then ``cron.schedule(`` on the next
    line shows ``SELECT cron.schedule(``; it showed ``SELECT``), at most ``EXCERPT_LINES`` lines joined by
    a space and ``EXCERPT_CHARS`` characters; "" when the text has no code."""
    shown: list[str] = []
    for raw in text.splitlines():
        line = _code(raw)
        if not line:
            continue
        shown.append(line)
        if len(shown) >= EXCERPT_LINES or not _says_nothing(line):
            break
    out = " ".join(shown)
    return out if len(out) <= EXCERPT_CHARS else out[: EXCERPT_CHARS - 3].rstrip() + "..."


def _parse_one(text: str) -> str | None:
    try:
        return parser.parse_sql_json(text)
    except parser.ParseError:
        return None


def _segments(text: str) -> list[tuple[int, int, str | None]]:
    """Cut ``text`` into SQL pieces and ``COPY ... FROM stdin`` data: (start, end, data) where ``data`` is
    the inline data of the COPY statement that ends the piece (None for plain SQL)."""
    out: list[tuple[int, int, str | None]] = []
    pos = 0
    for start, data_end, end in copy_blocks(text):
        out.append((pos, start, text[start:data_end]))
        pos = end
    out.append((pos, len(text), None))
    return out


def _scanner_error_at(piece: str, exc: parser.ParseError) -> int:
    """Where (a character offset into ``piece``) the scanner gave up; the end when it does not say."""
    at = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else len(piece)
    if not piece.isascii():  # libpg_query counts bytes
        at = len(piece.encode()[: max(at, 0)].decode(errors="ignore"))
    return min(max(at, 0), len(piece))


def _split(f: MigrationFile, text: str, start: int, end: int) -> list[Unit]:
    written = text[start:end]
    # a psql meta-command line (\\restrict key, \\set ...) is a unit of its own, which the server rejects
    # (the hint says what it is, as analyze does); the SQL around it is cut as if the line were deleted,
    # as psql reads it: the statement after it is not lost with it
    metas = meta_command_lines(written)
    piece = blank(written, metas) if metas else written
    tail = len(piece)
    try:
        slices = [(s.start, s.stop) for s in scanner_slices(piece)]
    except parser.ParseError as exc:
        # the scanner gave up (an unterminated quote or comment, often a quote or ``*/`` inside a comment):
        # the statements before the last semicolon ahead of that point are cut as usual, and everything
        # from there on is ONE unit, sent as written, so the server rejects it with its own message (a
        # piece cut at the next semicolon could be a valid statement: ``DROP FUNCTION IF EXISTS f();``
        # followed by a CREATE the scanner could not read would replay as "applied" and lose the CREATE)
        tail = piece.rfind(";", 0, _scanner_error_at(piece, exc)) + 1
        try:
            head = scanner_slices(piece[:tail])
            slices = [(s.start, s.stop) for s in head]
        except parser.ParseError:
            slices, tail = [], 0
    else:
        # the scanner's split drops everything after an unbalanced parenthesis: cut the rest at its semicolons
        slices += [(s.start, s.stop) for s in uncovered(piece, slices[-1][1] if slices else 0)]
    if tail < len(piece):
        slices.append((tail, len(piece)))
    slices = join_atomic_bodies(piece, slices)
    chunks: list[tuple[int, str]] = []
    pending: list[tuple[int, str]] = []  # (offset, text) of the units, when meta-command lines are among them
    units = []
    line, counted = f.span_line + text.count("\n", 0, start), 0  # lines counted incrementally: linear time
    for s_start, s_stop in slices:
        m = _NOISE.match(piece, s_start, s_stop)
        real = m.end() if m else s_start
        chunk = piece[real:s_stop].rstrip()
        if not chunk or chunk == ";":
            continue
        if metas:
            pending.append((real, chunk))
            continue
        line += piece.count("\n", counted, real)
        counted = real
        chunks.append((line, chunk))
    if metas:
        pending += [(m_start, written[m_start:m_end].rstrip()) for m_start, m_end in metas]
        for real, chunk in sorted(pending):
            line += piece.count("\n", counted, real)
            counted = real
            chunks.append((line, chunk))
    for line, chunk in chunks:
        units.append(Unit(f.path, line, chunk, _parse_one(chunk)))
    return units


def file_units(f: MigrationFile) -> tuple[Unit, ...]:
    """The statements of ``f``'s forward SQL in order (empty when the file could not be read).

    ``COPY ... FROM stdin`` keeps its inline data (up to the ``\\.`` line) in ``Unit.copy_data``.
    """
    if f.text is None:
        return ()
    text = f.forward_sql
    units: list[Unit] = []
    for start, end, data in _segments(text):
        piece_units = _split(f, text, start, end)
        if data is not None and piece_units:
            last = piece_units[-1]
            piece_units[-1] = Unit(last.file, last.line, last.text, last.tree, data)
        units.extend(piece_units)
    return tuple(units)
