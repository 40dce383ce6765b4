"""Pure normalisation of catalog text, so that formatting noise does not read as a difference."""

from __future__ import annotations

import hashlib
import re

_SPACE = re.compile(r"\s+")
_TRAILING_SPACE = re.compile(r"[ \t\f\v]\n")


def normalize_definition(text: str) -> str:
    """Collapse runs of whitespace into one space and strip the ends (view definitions)."""
    return _SPACE.sub(" ", text).strip()


def normalize_body(text: str) -> str:
    """A function body with line endings unified, trailing spaces removed and blank ends stripped.

    Only whitespace that cannot change what the body does is touched: inside string literals the text
    between lines is kept as it is (a changed literal is a changed body).
    """
    if "\r" not in text and _TRAILING_SPACE.search(text) is None:
        return text.strip()  # the usual case, decided without splitting
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n").strip()


def body_hash(text: str | None) -> str:
    """``sha256:<first 16 hex digits>`` of the normalised body (empty text hashes like no body)."""
    digest = hashlib.sha256(normalize_body(text or "").encode("utf-8")).hexdigest()
    return f"sha256:{digest[:16]}"
