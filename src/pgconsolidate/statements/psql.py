"""psql meta-commands in migration files (pure): where they are, and what to tell the user about them.

A file written for ``psql -f`` carries lines psql runs itself: ``\\restrict <key>`` / ``\\unrestrict <key>``
(pg_dump 17.6+ and 18 write them around every plain dump), ``\\set ON_ERROR_STOP on``, ``\\connect db``,
``\\i other.sql``, ``\\echo``. psql ends a meta-command at the end of its line and sends the SQL around it
to the server; a migration tool (Supabase CLI, Flyway, golang-migrate, ...) sends the line to the server,
which rejects it (``syntax error at or near "\\"``), and with it the statement it is glued to up to the
next semicolon. analyze (:func:`~pgconsolidate.statements.split.split_sql`) and replay
(:mod:`pgconsolidate.replay.units`) both cut the line out of the SQL here, report it with
:func:`meta_command_hint` (the one wording) and read the SQL after it as psql does: what the file means
once the line is deleted, the fix the hint asks for. The inline data of a ``COPY ... FROM stdin`` (up to
its ``\\.`` line, as pg_dump writes it) is not SQL either: analyze blanks it out (:func:`copy_data`) and
reads the COPY statement and what follows the data, replay's units cut it out.
"""

from __future__ import annotations

import re

from pglast import parser

#: a line whose first non-blank character is a backslash (group ``bs``: the backslash)
_CANDIDATE = re.compile(r"^[ \t]*(?P<bs>\\)", re.MULTILINE)
#: ``COPY ... FROM stdin;`` at a line start, and the ``\.`` line that ends its data (:func:`copy_blocks`,
#: which replay's units use too); data lines (``\N``, ``\\x41``) are not meta-commands
_COPY_STDIN = re.compile(
    r"^[ \t]*COPY\b[^;]*?\bFROM\s+STDIN\b[^;]*;[ \t]*\r?\n", re.IGNORECASE | re.MULTILINE
)
_COPY_END = re.compile(r"^\\\.[ \t]*(?:\r?\n|$)", re.MULTILINE)
_NOT_NEWLINE = re.compile(r"[^\n]")


def meta_command_hint(command: str) -> str:
    """What a psql meta-command (``\\restrict``) in a migration is and what to do about it: the one
    wording of analyze's finding and replay's hint."""
    return (
        f"psql meta-command {command}: only psql runs it (the file was written for `psql -f`); a "
        "migration tool sends it to the server, which rejects it: delete the line, or do what it does "
        "in SQL"
    )


def is_meta_command_hint(hint: str) -> bool:
    """Whether ``hint`` is :func:`meta_command_hint`'s."""
    return hint.startswith("psql meta-command \\") and "only psql runs it" in hint


def meta_command_name(line: str) -> str:
    """The meta-command of a line that starts with one: ``\\restrict`` of ``\\restrict abc``."""
    return line.lstrip().split(None, 1)[0] if line.strip() else "\\"


def copy_blocks(text: str) -> list[tuple[int, int, int]]:
    """(start, data end, end) of the inline data of each ``COPY ... FROM stdin`` of ``text``: its rows run
    from start to data end, its ``\\.`` line from there to end (both the end of the text without one).
    Empty without such a COPY (a search of the text); ``COPY ... FROM 'file'`` has none. analyze blanks
    the data (:func:`copy_data`), replay sends it as the COPY's rows."""
    out: list[tuple[int, int, int]] = []
    pos = 0
    while (m := _COPY_STDIN.search(text, pos)) is not None:
        end = _COPY_END.search(text, m.end())
        data_end, pos = (end.start(), end.end()) if end else (len(text), len(text))
        out.append((m.end(), data_end, pos))
    return out


def copy_data(text: str) -> list[tuple[int, int]]:
    """(start, end) of the inline data of each ``COPY ... FROM stdin`` of ``text`` (its ``\\.`` line
    included; empty without one: a search of the text): psql sends those lines to the server as the
    COPY's rows, so they are not SQL. ``COPY ... FROM 'file'`` has none."""
    return [(start, end) for start, _, end in copy_blocks(text)]


def _is_token(text: str, pos: int, backslash: int) -> bool:
    """Whether the backslash at ``backslash`` is a token of its own (outside any quote, comment or
    dollar-quoted body) when libpg_query's scanner reads ``text`` from ``pos`` (a point outside all of
    them): a prefix that ends inside one does not scan."""
    try:
        tokens = parser.scan(text[pos : backslash + 1])
    except parser.ParseError:
        return False
    return bool(tokens) and tokens[-1].name == "ASCII_92"


def meta_command_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each psql meta-command of ``text``: from the backslash that starts a line (after
    blanks), outside quotes, comments, dollar-quoted bodies and ``COPY ... FROM stdin`` data, to the end
    of that line (its newline excluded). Empty for a text without a backslash at a line start (one
    search). Each candidate is checked by scanning from the end of the previous meta-command (or of COPY
    data), so the arguments of one (``\\echo don't``) never throw the scanner off for the next."""
    if "\\" not in text:
        return []
    candidates = [m.start("bs") for m in _CANDIDATE.finditer(text)]
    if not candidates:
        return []
    data = copy_data(text) if "stdin" in text.lower() else []
    out: list[tuple[int, int]] = []
    pos = 0  # scanning from here starts outside any quote or comment
    k = 0
    for backslash in candidates:
        if backslash < pos:
            continue
        while k < len(data) and data[k][1] <= backslash:
            k += 1
        if k < len(data) and data[k][0] <= backslash:  # a line of COPY data
            continue
        if data and k > 0 and data[k - 1][1] > pos:
            pos = data[k - 1][1]  # the scanner cannot read COPY data: start after it
        if _is_token(text, pos, backslash):
            nl = text.find("\n", backslash)
            end = len(text) if nl < 0 else nl
            out.append((backslash, end))
            pos = end
    return out


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span (in order, not overlapping) replaced by as many spaces, its newlines kept:
    offsets, lines and columns are unchanged."""
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        gap = text[start:end]
        parts += [text[pos:start], _NOT_NEWLINE.sub(" ", gap) if "\n" in gap else " " * (end - start)]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
