"""Pure normalisation of catalog text, so that formatting noise does not read as a difference."""

from __future__ import annotations

import re
from hashlib import sha256

_SPACE = re.compile(r"\s+")
# a string literal ('it''s'), a quoted name ("a""b") or a run of whitespace, as pg_get_viewdef prints them
# (literals with quotes doubled under standard_conforming_strings, never dollar-quoted)
_QUOTED_OR_SPACE = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\s+")


def _kept_or_space(m: re.Match[str]) -> str:
    text = m.group()
    return text if text[0] in "'\"" else " "


def normalize_definition(text: str) -> str:
    """Collapse runs of whitespace into one space and strip the ends (view definitions), but never inside
    a string literal or a quoted name: ``'in  progress'`` and ``'in progress'`` are different views."""
    if "'" not in text and '"' not in text:
        return _SPACE.sub(" ", text).strip()  # the usual case, one regular expression pass
    return _QUOTED_OR_SPACE.sub(_kept_or_space, text).strip()


def normalize_body(text: str) -> str:
    """A function body with line endings unified, trailing spaces removed and blank ends stripped.

    Only whitespace that cannot change what the body does is touched: inside string literals the text
    between lines is kept as it is (a changed literal is a changed body).
    """
    if not _untidy(text):
        return text.strip()  # the usual case, decided without splitting
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n").strip()


def _untidy(text: str) -> bool:
    """Whether the text has a carriage return or a space, tab, form feed or vertical tab before a line
    feed (what :func:`normalize_body` does more than strip the ends for); four substring searches are
    cheaper than one regular expression search."""
    return "\r" in text or " \n" in text or "\t\n" in text or "\f\n" in text or "\v\n" in text


def body_hash(text: str | None) -> str:
    """``sha256:<first 16 hex digits>`` of the normalised body (empty text hashes like no body).

    Called for every function read from a catalog: the usual body is hashed without a call to
    :func:`normalize_body` (a body of one line, most SQL functions', after two searches instead of
    five), and the first 8 bytes of the digest are hexed rather than all 32."""
    if not text:
        text = ""
    elif ("\n" in text or "\r" in text) and _untidy(text):
        text = normalize_body(text)
    else:
        text = text.strip()
    return f"sha256:{sha256(text.encode('utf-8')).digest()[:8].hex()}"
