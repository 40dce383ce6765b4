"""SQL-standard function bodies (``CREATE FUNCTION/PROCEDURE ... BEGIN ATOMIC ...; ...; END``): the
scanner cuts a text at every semicolon, the server (and psql) read such a body whole. Pure."""

from __future__ import annotations

import re
from itertools import pairwise

from pglast import parser

_ATOMIC = re.compile(r"\batomic\b", re.IGNORECASE)


def _atomic_end(text: str) -> int | None:
    """For a statement piece holding ``BEGIN ATOMIC`` (a SQL-standard function body): the offset of the
    body's ``END`` in ``text``, -1 when it is not in ``text`` yet, None when there is no such body (or the
    scanner cannot read ``text``). ``CASE ... END`` inside the body is counted, so its ``END`` does not
    close it."""
    try:
        tokens = parser.scan(text)
    except parser.ParseError:
        return None
    depth = 0
    for prev, tok in pairwise(tokens):
        if depth == 0:
            if prev.name == "BEGIN_P" and tok.name == "ATOMIC":
                depth = 1
            continue
        if tok.name == "CASE":
            depth += 1
        elif tok.name == "END_P":
            depth -= 1
            if depth == 0:
                return int(tok.start)
    return -1 if depth else None


def join_atomic_bodies(piece: str, slices: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``slices`` with the pieces of each ``CREATE FUNCTION/PROCEDURE ... BEGIN ATOMIC ...; END`` joined
    into one statement: the scanner cuts at every semicolon, the server (and psql) read the body whole.
    A body whose ``END`` never comes is left cut (the server then reports it). The text after the body's
    first piece is scanned in windows of 1, 2, 4, ... pieces, so a long file is not scanned once per piece."""
    if not _ATOMIC.search(piece):
        return slices
    out: list[tuple[int, int]] = []
    i, n = 0, len(slices)
    while i < n:
        start, stop = slices[i]
        j = i
        if _ATOMIC.search(piece, start, stop) and _atomic_end(piece[start:stop]) == -1:
            width = 1
            while i + 1 < n:
                last = min(i + width, n - 1)
                at = _atomic_end(piece[start : slices[last][1]])
                if at is None:
                    break
                if at >= 0:
                    j = next(k for k in range(i, last + 1) if slices[k][1] > start + at)
                    break
                if last == n - 1:
                    break
                width *= 2
        out.append((start, slices[j][1]))
        i = j + 1
    return out
