"""A layout-insensitive hash of SQL text (routine bodies): comments and whitespace do not count."""

from __future__ import annotations

import hashlib
import re

_LINE_COMMENT = re.compile(r"--[^\n]*")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def layout_hash(text: str) -> str:
    """A hash of SQL text with comments and whitespace normalised and letters lower-cased, so two
    spellings that differ only in layout, comments or case hash alike (16 hex digits of SHA-256)."""
    norm = _LINE_COMMENT.sub(" ", text) if "--" in text else text
    norm = _BLOCK_COMMENT.sub(" ", norm) if "/*" in norm else norm
    norm = " ".join(norm.split()).lower()
    return hashlib.sha256(norm.encode()).hexdigest()[:16]
