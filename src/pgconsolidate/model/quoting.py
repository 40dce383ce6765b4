"""Names as SQL writes them (pure): :func:`quote_ident`, shared by the findings' messages
(:mod:`pgconsolidate.rules.shown_names`) and compare's text output (:mod:`pgconsolidate.compare.names`)."""

from __future__ import annotations

import re

_PLAIN = re.compile(r"[a-z_][a-z0-9_]*")
_KEYWORDS: frozenset[str] | None = None


def _keywords() -> frozenset[str]:
    """Every keyword ``quote_ident`` quotes (all but the unreserved ones); made on first use."""
    global _KEYWORDS
    if _KEYWORDS is None:
        from pglast.keywords import (
            COL_NAME_KEYWORDS,
            RESERVED_KEYWORDS,
            TYPE_FUNC_NAME_KEYWORDS,
            UNRESERVED_KEYWORDS,
        )

        _KEYWORDS = frozenset(RESERVED_KEYWORDS | COL_NAME_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS) - frozenset(
            UNRESERVED_KEYWORDS
        )
    return _KEYWORDS


def quote_ident(name: str) -> str:
    """``name`` as PostgreSQL's ``quote_ident`` writes it: unchanged when it is lower case letters, digits
    and underscores (not first a digit) and not a keyword that needs quoting; else in double quotes."""
    if _PLAIN.fullmatch(name) and name not in _keywords():
        return name
    return '"' + name.replace('"', '""') + '"'
