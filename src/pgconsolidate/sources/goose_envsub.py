"""goose's ``-- +goose ENVSUB ON``: environment variables substituted in the lines that follow, as goose
(3.18+) substitutes them before it runs a file, up to ``-- +goose ENVSUB OFF`` or the end of the file
(annotations are case-insensitive, on a line of their own).

goose expands each such line with ``mfridman/interpolate``. The forms substituted here are the ones a
migration uses for values: ``${NAME}``, ``${NAME:-word}`` (``word`` when unset or empty), ``${NAME-word}``
(``word`` when unset) and ``$NAME`` when ``NAME`` is set. A ``$NAME`` whose variable is unset is left as
written: it is as likely a dollar-quote tag (``$body$``) as a variable, and what goose makes of it (an
empty string) is no migration anyone meant. A ``${NAME}`` without a value stops (``strict``: ``replay``)
with a one-line error naming the file and line, where goose would run the statement with an empty
string; or stays as written (``analyze``, ``objects``: the value may be set where the migrations run).

Pure: the environment is an argument; reading it is the caller's (``sources.flyway_files.substitute_dir``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pgconsolidate.errors import InputError

_ANNOTATION = re.compile(r"--\s*\+goose\s+envsub\s+(on|off)\s*", re.IGNORECASE)
_EXPANSION = re.compile(
    r"\$\{(?P<brace>[A-Za-z][A-Za-z0-9_]*)(?:(?P<op>:-|-)(?P<word>[^}$]*))?\}"
    r"|\$(?P<bare>[A-Za-z][A-Za-z0-9_]*)"
)


def envsub(
    text: str, env: Mapping[str, str], filename: str, *, strict: bool = True
) -> tuple[str, list[tuple[str, int]], dict[int, int]]:
    """``text`` with goose's ENVSUB regions substituted from ``env``; each substitution (what became what,
    the environment's values not shown) with its 1-based line; and where each line that moved now starts
    (old offset -> new offset)."""
    if "envsub" not in text.lower():
        return text, [], {}
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    used: list[tuple[str, int]] = []
    on = False
    for number, line in enumerate(lines, start=1):
        mark = _ANNOTATION.fullmatch(line.rstrip("\r\n"))
        if mark:
            on = mark[1].lower() == "on"
        elif on and "$" in line:

            def one(m: re.Match[str], number: int = number) -> str:
                name = m["brace"] or m["bare"]
                value = env.get(name)
                if (m["op"] == ":-" and not value) or (m["op"] == "-" and value is None):
                    used.append((f"{m[0]} -> {m['word']!r} (its default: {name} is not set)", number))
                    return m["word"]
                if value is None:
                    if strict and m["brace"]:
                        raise InputError(
                            f"{filename}:{number}: {m[0]} is not set in the environment: goose "
                            "(-- +goose ENVSUB ON) would run the statement with an empty string in its "
                            f"place; export {name} (or write ${{{name}:-default}}) to replay"
                        )
                    return m[0]
                used.append((f"${{{name}}} -> its value in the environment (not shown)", number))
                return value

            line = _EXPANSION.sub(one, line)
        out.append(line)
    moved: dict[int, int] = {}
    old = new = 0
    for original, line in zip(lines, out, strict=True):
        if old != new:
            moved[old] = new
        old, new = old + len(original), new + len(line)
    if old != new:
        moved[old] = new
    return "".join(out), used, moved


def moved_offset(offset: int, text: str, moved: Mapping[int, int]) -> int:
    """``offset`` in the original ``text`` mapped into the substituted text (``moved``: from
    :func:`envsub`); an offset inside a line keeps its distance from the line's start."""
    line_start = text.rfind("\n", 0, offset) + 1 if offset > 0 else 0
    if offset == len(text) and offset in moved:
        return moved[offset]
    return moved.get(line_start, line_start) + (offset - line_start)
