"""TOML documents the user writes (config, plans, probes, flyway.toml), parsed with the standard library."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from pgconsolidate.errors import InputError

_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)$")


def toml_document(text: str, origin: str) -> dict[str, Any]:
    """``text`` parsed as TOML. A syntax error raises :class:`InputError` ``origin:line: not valid TOML:
    <the parser's message>``; where the parser says "at end of document" (an unclosed array or string),
    the line is the document's last."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _AT_LINE.search(str(exc))
        line = int(m.group(1)) if m else max(1, len(text.splitlines()))
        raise InputError(f"{origin}:{line}: not valid TOML: {exc}") from None
