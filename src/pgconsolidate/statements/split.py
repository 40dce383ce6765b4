"""Split SQL text into statements with the PostgreSQL parser, keeping file, line and column.

Pure: text in, :class:`FileStatements` out. Uses ``pglast.parser.parse_sql_json`` (fast: no Python node
objects); when the whole text does not parse, falls back to the scanner's split and parses statement by
statement, so one syntax error costs one statement, not the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import orjson
from pglast import parser

from pgconsolidate.statements.atomic import join_atomic_bodies
from pgconsolidate.statements.model import FileStatements, ParseFailure, Statement
from pgconsolidate.statements.psql import (
    blank,
    copy_data,
    is_meta_command_hint,
    meta_command_hint,
    meta_command_lines,
    meta_command_name,
)
from pgconsolidate.statements.records import blank_twin

_IGNORE = re.compile(r"--\s*pgconsolidate:\s*ignore\b[ \t]*(?P<rules>[^\n]*)", re.IGNORECASE)
_FILE_IGNORE = re.compile(r"--\s*pgconsolidate:\s*ignore-file\b[ \t]*(?P<rules>[^\n]*)", re.IGNORECASE)
#: What every ignore comment starts with (``_IGNORE``, ``_FILE_IGNORE``), with the same flags: files
#: without it have none. A search for it stops only at ``--`` (the pattern's literal prefix), so it costs
#: less than lower-casing the whole text to look for the word.
_MARKER = re.compile(r"--\s*pgconsolidate", re.IGNORECASE)


class _Lines:
    """Offset → (line, column) lookups on one text, cheapest when offsets come in increasing order
    (as statements do): only the text between the previous offset and this one is scanned."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.first_line = first_line
        self.pos = 0  # the last offset looked up
        self.line = first_line  # its line
        self.line_start = 0  # the offset where that line starts

    def at(self, offset: int) -> tuple[int, int]:
        if offset < self.pos:
            self.pos, self.line, self.line_start = 0, self.first_line, 0
        newlines = self.text.count("\n", self.pos, offset)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", self.pos, offset) + 1
        self.pos = offset
        return self.line, offset - self.line_start + 1


class _ByteToChar:
    """Convert UTF-8 byte offsets (libpg_query's) to character offsets, in increasing order cheaply."""

    def __init__(self, text: str) -> None:
        self.ascii = text.isascii()
        self.data = b"" if self.ascii else text.encode("utf-8")
        self.last_byte = 0
        self.last_char = 0

    def __call__(self, byte_offset: int) -> int:
        if self.ascii:
            return byte_offset
        if byte_offset < self.last_byte:
            self.last_byte = self.last_char = 0
        chunk = self.data[self.last_byte : byte_offset]
        self.last_char += len(chunk.decode("utf-8", "ignore"))
        self.last_byte = byte_offset
        return self.last_char


#: Whitespace and ``--`` comments (block comments nest, so ``_skip_noise`` walks those itself).
_SPACE_AND_LINE_COMMENTS = re.compile(r"(?:\s+|--[^\n]*\n?)*")


def _skip_noise(text: str, pos: int, end: int) -> int:
    """Skip whitespace and comments from ``pos``; return the offset of the first real token."""
    m = _SPACE_AND_LINE_COMMENTS.match(text, pos, end)
    if m is not None:
        pos = m.end()
        if not text.startswith("/*", pos):
            return pos
    while pos < end:
        ch = text[pos]
        if ch.isspace():
            pos += 1
        elif text.startswith("--", pos):
            nl = text.find("\n", pos)
            pos = end if nl < 0 or nl >= end else nl + 1
        elif text.startswith("/*", pos):
            depth, pos = 1, pos + 2
            while pos < end and depth:
                if text.startswith("/*", pos):
                    depth, pos = depth + 1, pos + 2
                elif text.startswith("*/", pos):
                    depth, pos = depth - 1, pos + 2
                else:
                    pos += 1
        else:
            break
    return pos


_NONE: frozenset[str] = frozenset()


def _rules(spec: str) -> frozenset[str]:
    items = {r.strip() for r in re.split(r"[,\s]+", spec.split("--")[0]) if r.strip()}
    return frozenset(items or {"*"})


def _ignores(prefix: str) -> frozenset[str]:
    found: set[str] = set()
    for m in _IGNORE.finditer(prefix):
        found |= _rules(m["rules"])
    return frozenset(found)


def file_ignores(text: str) -> frozenset[str]:
    """Rules silenced for a whole file by ``-- pgconsolidate: ignore-file RULE`` anywhere in it."""
    found: set[str] = set()
    for m in _FILE_IGNORE.finditer(text):
        found |= _rules(m["rules"])
    return frozenset(found)


def _parse_whole(text: str) -> list[tuple[int, int, dict[str, Any]]]:
    """(char start, char end, node) per statement; raises ParseError if any statement is invalid."""
    tree = orjson.loads(parser.parse_sql_json(text))
    out: list[tuple[int, int, dict[str, Any]]] = []
    if text.isascii():  # byte offsets are character offsets
        n = len(text)
        append = out.append
        for raw in tree.get("stmts", ()):
            b_start = raw.get("stmt_location", 0)
            b_len = raw.get("stmt_len", 0)
            append((b_start, b_start + b_len if b_len else n, raw.get("stmt", {})))
        return out
    to_char = _ByteToChar(text)
    for raw in tree.get("stmts", []):
        b_start = raw.get("stmt_location", 0)
        b_len = raw.get("stmt_len", 0)
        start = to_char(b_start)
        end = to_char(b_start + b_len) if b_len else len(text)
        out.append((start, end, raw.get("stmt", {})))
    return out


def _char_offset(chunk: str, exc: parser.ParseError, default: int) -> int:
    """The character offset into ``chunk`` of a libpg_query error (it counts UTF-8 bytes)."""
    at = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else default
    at = max(at, 0)
    if not chunk.isascii():
        at = len(chunk.encode("utf-8")[:at].decode("utf-8", "ignore"))
    return min(at, len(chunk))


def _scanner_head(text: str, stop: int) -> tuple[list[slice], int]:
    """The statements the scanner ended with a ``;`` before ``stop`` (where it gave up), and the offset
    where the statement it was still reading begins (just after that ``;``, or 0)."""
    head = text[:stop]
    try:
        slices = scanner_slices(head)
    except parser.ParseError:  # not expected: the scanner read this far
        return [], 0
    slices += uncovered(head, slices[-1].stop if slices else 0)
    if not slices:
        return [], 0
    after = _skip_noise(head, slices[-1].stop, stop)
    if head.startswith(";", after):
        return slices, after + 1
    return slices[:-1], slices[-1].start


def _parse_piecewise(text: str) -> tuple[list[tuple[int, int, dict[str, Any]]], list[tuple[int, int, str]]]:
    """Statements that parse, and (start, error offset, message) for each that does not."""
    good: list[tuple[int, int, dict[str, Any]]] = []
    bad: list[tuple[int, int, str]] = []
    try:
        slices = scanner_slices(text)
        tail: tuple[int, int, str] | None = None
    except parser.ParseError as exc:
        # the scanner itself failed (an unterminated quote or comment, often one a ``*/`` or a quote inside
        # a comment leaves behind): the statements it ended before that point are parsed one by one, and
        # the one it was still reading runs to the end of the text. That statement is parsed whole, so its
        # error is the one PostgreSQL reports, where it reports it: the grammar's first error (``syntax
        # error at or near "10"`` after ``/* ... '*/10 * * * *' ... */``), which comes before the scanner's
        # stop, or the scanner's own error when the grammar reads that far
        stop = _char_offset(text, exc, len(text))
        slices, cut = _scanner_head(text, stop)
        message, err_at = str(exc.args[0]), stop
        rest = text[cut:]
        try:
            _parse_whole(rest)
        except parser.ParseError as whole:
            message, err_at = str(whole.args[0]), cut + _char_offset(rest, whole, stop - cut)
        tail = (_skip_noise(text, cut, len(text)), max(err_at, cut), message)
    if tail is None:
        slices += uncovered(text, slices[-1].stop if slices else 0)
    # a BEGIN ATOMIC body the scanner cut at its semicolons is one statement again
    joined_slices = join_atomic_bodies(text, [(s.start, s.stop) for s in slices])
    slices = [slice(start, stop) for start, stop in joined_slices]
    for piece in slices:
        start, end = piece.start, piece.stop
        chunk = text[start:end]
        try:
            nodes = _parse_whole(chunk)
        except parser.ParseError as exc:
            bad.append((start, start + _char_offset(chunk, exc, 0), str(exc.args[0])))
            continue
        good.extend((start + s, start + e, node) for s, e, node in nodes)
    if tail is not None:
        bad.append(tail)
    return good, bad


def uncovered(text: str, pos: int, end: int | None = None) -> list[slice]:
    """The statements between ``pos`` and ``end`` (default: the end of ``text``) that libpg_query's scanner
    split left out: it stops at an unbalanced parenthesis and drops the rest of the file (``f(`` written
    twice), and it drops a statement that does not begin with a keyword (``selec 1;``, a stray word, a
    number), so they are cut here at each ``;`` token instead, and parsed (and reported) one by one."""
    stop = len(text) if end is None else end
    while True:
        pos = _skip_noise(text, pos, stop)
        if not text.startswith(";", pos, stop):
            break
        pos += 1
    if pos >= stop:
        return []
    rest = text[pos:stop]
    try:
        cuts = [t.start for t in parser.scan(rest) if t.name == "ASCII_59"]  # (character offsets)
    except parser.ParseError:
        cuts = []
    pieces, begin = [], 0
    for cut in [*cuts, len(rest)]:
        first = _skip_noise(rest, begin, cut)
        if first < cut:
            pieces.append(slice(pos + first, pos + len(rest[:cut].rstrip())))
        begin = cut + 1
    return pieces


def scanner_slices(text: str) -> list[slice]:
    """The statements of ``text`` as libpg_query's scanner cuts them (``pglast.parser.split(...,
    with_parser=False)``, which raises :class:`~pglast.parser.ParseError` where it cannot read on), with
    the statements it left out between two of them (:func:`uncovered`): on its own it skips a statement
    that does not begin with a keyword, so ``selec 1;`` between two statements was neither parsed (no
    parse error) nor replayed (the file "applied cleanly"). What follows the last one is the caller's
    (:func:`uncovered` from its end)."""
    out: list[slice] = []
    pos = 0
    for s in parser.split(text, with_parser=False, only_slices=True):
        if s.start > pos:
            out += uncovered(text, pos, s.start)
        out.append(s)
        pos = s.stop
    return out


def may_hold_ignores(text: str) -> bool:
    """Whether ``text`` may hold ``pgconsolidate:`` comments (case-insensitive, like ``_IGNORE``). When
    it does not, :func:`split_sql` gives none of its statements ignores and the file no ignores (one
    search of the text: cheaper than looking at the statements)."""
    return _MARKER.search(text) is not None


_marked = may_hold_ignores


_NO_METAS: list[tuple[int, int]] = []


def _parse_failing(
    text: str,
) -> tuple[list[tuple[int, int, dict[str, Any]]], list[tuple[int, int, str]], str, list[tuple[int, int]]]:
    """:func:`split_sql`'s parse of a text that does not parse whole: (statements, errors, the text they
    were read from, psql meta-command lines). A meta-command line (``\\restrict key``, ``\\set ...``: see
    :mod:`pgconsolidate.statements.psql`) is blanked out first and the rest read as psql reads it, so the
    statement after it is not lost with it; the line itself becomes a failure of its own. The inline data
    of a ``COPY ... FROM stdin`` (its rows and its ``\\.`` line: not SQL, psql sends them as the COPY's
    rows) is blanked out too, newlines kept, so the COPY is a statement, the rows are no parse error and
    the statements after them keep their lines. Only here: a text with COPY data never parses whole."""
    metas = meta_command_lines(text)
    data = copy_data(text)
    if metas or data:
        text = blank(text, sorted(metas + data) if data else metas)
        try:
            return _parse_whole(text), [], text, metas
        except parser.ParseError:
            pass
    parsed, errors = _parse_piecewise(text)
    return parsed, errors, text, metas


def _with_meta_commands(
    file: str, text: str, first_line: int, metas: list[tuple[int, int]], failures: list[ParseFailure]
) -> list[ParseFailure]:
    """``failures`` and a failure for each psql meta-command line of ``text`` (the file as written), in
    the order of their lines: the meta-command's line and column, and what it is (the wording replay's
    hint uses too)."""
    lines = _Lines(text, first_line)
    for start, end in metas:
        line, column = lines.at(start)
        snippet = text[start:end].strip()
        failures.append(
            ParseFailure(file, line, column, meta_command_hint(meta_command_name(snippet)), snippet)
        )
    failures.sort(key=lambda f: (f.line, f.column))
    return failures


#: Statements are built as mutable twins and given their class when complete (``records.blank_twin``).
_StatementTwin = blank_twin(Statement)


def split_sql(
    file: str, text: str, *, first_line: int = 1, base_offset: int = 0, first_index: int = 0
) -> FileStatements:
    """Split ``text`` (the SQL of ``file``, starting at ``first_line``) into statements.

    Offsets in the result are relative to the file: ``base_offset`` is added to each; statements are
    numbered from ``first_index``.
    """
    source, metas = text, _NO_METAS
    try:
        parsed = _parse_whole(text)
        errors: list[tuple[int, int, str]] = []
    except parser.ParseError:
        parsed, errors, text, metas = _parse_failing(text)
    statements: list[Statement] = []
    append = statements.append
    prev_end = 0
    marked = _marked(text)
    # offset -> (line, column): statements come in increasing order, so the newlines are counted once:
    # those between the previous statement's end and this one's start, then those of its own text. The
    # start of a statement's line is looked for only when the statement does not begin one (rare).
    count, rfind = text.count, text.rfind
    pos, line = 0, first_line
    twin, cls = _StatementTwin, Statement
    for index, (raw_start, raw_end, node) in enumerate(parsed):
        # the statement without the whitespace and comments before it (_skip_noise, with one C call in the
        # usual case) and without the whitespace and semicolons after it
        if raw_end > raw_start:
            rest = text[raw_start:raw_end].lstrip()
            start = raw_end - len(rest)
            lead = rest[:2]
            if lead == "--" or lead == "/*":  # (two compares: cheaper than ``in`` a tuple)
                start = _skip_noise(text, raw_start, raw_end)
                rest = text[start:raw_end]
        else:
            start, rest = raw_start, ""
        if raw_end > start:
            body = rest.rstrip()
            while body[-1:] == ";":
                body = body[:-1].rstrip()
            end = start + len(body)
        else:
            body, end = text[start:raw_end], raw_end
        if start < pos:  # never for parser output; keep the general lookup correct anyway
            pos, line = 0, first_line
        newlines = count("\n", pos, start)
        if newlines:
            line += newlines
        line_start = start if not start or text[start - 1] == "\n" else rfind("\n", 0, start) + 1
        # the record filled as its mutable twin (plain stores, no __init__ frame), then given its class
        st = twin()
        st.file = file
        st.index = index + first_index
        st.line = line
        st.column = start - line_start + 1
        st.start = start + base_offset
        st.end = end + base_offset
        st.text = body
        kind = ""
        for kind in node:  # noqa: B007 (the node's one key: next(iter(node)) without two calls)
            break
        st.kind = kind
        st.node = node
        st.ignores = _ignores(text[prev_end:start]) if marked else _NONE
        if end > start:
            inner = body.count("\n")
            if inner:
                # carry the position to the statement's end: its newlines are not counted again
                st.end_line = line = line + inner
                pos = end
            else:
                st.end_line = line
                pos = start
        else:
            st.end_line = line
            pos = start
        st.__class__ = cls
        append(st)
        prev_end = raw_end
    failures = []
    if errors:
        lines = _Lines(text, first_line)
        for start, err_at, message in errors:
            line, column = lines.at(min(err_at, len(text)))
            stmt_end = text.find(";", start)
            snippet = text[start : stmt_end if stmt_end >= 0 else len(text)].strip()
            failures.append(ParseFailure(file, line, column, message, snippet))
    if metas:
        failures = _with_meta_commands(file, source, first_line, metas, failures)
    return FileStatements(file, tuple(statements), tuple(failures), file_ignores(text) if marked else _NONE)


#: A text longer than this is split in pieces (:func:`split_sql_pieces`) by callers that keep no trees.
PIECES_FROM = 4_000_000
#: About how many characters a piece holds.
PIECE_CHARS = 1_000_000


def piece_starts(text: str, size: int = PIECE_CHARS) -> list[int]:
    """Offsets where ``text`` may be cut into pieces of about ``size`` characters: 0, then the start of a
    line whose previous line ends a statement with its ``;`` and nothing else (so each piece starts a line,
    and what stands before a statement, comments included, stays in its piece). ``[0]`` when the scanner
    cannot read ``text``. Never inside the inline data of a ``COPY ... FROM stdin`` (the scanner reads
    its rows as SQL, and a row may end with ``;``): a piece starts with its COPY statement or after its
    ``\\.`` line, so split_sql blanks the whole data out in one piece."""
    try:
        slices = scanner_slices(text)
    except parser.ParseError:
        return [0]
    # (the ``\.`` line first, one find: copy_data's search of a 24.7 MB text took 90 ms, this 14 ms; data
    # that runs to the end of the text without one may then be cut, as pg_dump never writes)
    data = copy_data(text) if "\n\\." in text else []
    k = 0
    starts = [0]
    for this, after in pairwise(slices):
        if this.stop - starts[-1] < size:
            continue
        semi = _skip_noise(text, this.stop, after.start)
        if not text.startswith(";", semi):
            continue
        nl = text.find("\n", semi + 1, after.start)
        if nl >= 0 and not text[semi + 1 : nl].strip():
            while k < len(data) and data[k][1] <= nl + 1:
                k += 1
            if k < len(data) and data[k][0] <= nl + 1:  # a row, or the first row (after the COPY's ``;``)
                continue
            starts.append(nl + 1)
    return starts


def split_sql_pieces(
    file: str, text: str, *, first_line: int = 1, size: int = PIECE_CHARS
) -> Iterator[FileStatements]:
    """:func:`split_sql` of ``text`` in consecutive pieces (:func:`piece_starts`), each split when the
    previous one has been taken: a caller that reads each piece's statements and drops their trees before
    taking the next holds one piece's parse trees at a time (libpg_query parsing a 50 MB file of 400,000
    statements at once takes 3.4 GB). The pieces' statements, in order, are split_sql's of the whole text
    (offsets, lines, columns and indexes); :func:`joined` makes the file's :class:`FileStatements`. A piece
    that does not parse as a whole (a parse error, or a statement the scanner cuts and the parser does not,
    such as a ``BEGIN ATOMIC`` body) runs to the end of the text, read as split_sql reads it; one whose only
    failures are psql meta-command lines parsed whole once they were blanked out, and keeps its end (the
    ``\\restrict`` line at the top of a pg_dump 17.6+ dump made the whole 6.4 MB, 90,000-statement file one
    piece: 3.4 s and 706 MB peak for analyze, now 2.7 s and 205 MB in pieces, same output)."""
    starts = piece_starts(text, size)
    index, line, k = 0, first_line, 0
    while k < len(starts):
        begin = starts[k]
        end = starts[k + 1] if k + 1 < len(starts) else len(text)
        piece = split_sql(file, text[begin:end], first_line=line, base_offset=begin, first_index=index)
        k += 1
        if (
            piece.failures
            and end < len(text)
            and not all(is_meta_command_hint(f.message) for f in piece.failures)
        ):
            end, k = len(text), len(starts)
            piece = split_sql(file, text[begin:], first_line=line, base_offset=begin, first_index=index)
        yield piece
        index += len(piece.statements)
        line += text.count("\n", begin, end)


def joined(file: str, text: str, pieces: list[FileStatements]) -> FileStatements:
    """The :class:`FileStatements` of ``text`` from its :func:`split_sql_pieces`."""
    return FileStatements(
        file,
        tuple(st for piece in pieces for st in piece.statements),
        tuple(f for piece in pieces for f in piece.failures),
        file_ignores(text) if _marked(text) else _NONE,
    )
