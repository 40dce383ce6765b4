"""CREATE statements the files hold only inside ``--`` comments (``-- CREATE TYPE public.status AS ENUM
(...);``), with what they would create.

A ``supabase db dump`` / ``pg_dump`` file edited by hand often has its CREATE commented out while the
``ALTER TYPE ... OWNER TO`` and the tables using the type were kept: on a fresh database they fail with
"does not exist". When a replayed statement's missing object is created only by such a comment, the hint
names it rather than "made by hand or from a dashboard". :func:`commented_creators` is pure (file texts
in, keys out); the replay layer calls it only when a statement failed for a missing object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pgconsolidate.replay.objects import Key
from pgconsolidate.replay.outside import creators_in
from pgconsolidate.sources.model import MigrationDir

#: a line comment whose text starts a CREATE statement
_COMMENTED_CREATE = re.compile(r"^[ \t]*--+[ \t]*(create\b)", re.IGNORECASE | re.MULTILINE)
#: the comment marker (and one space) at the start of each line of a commented-out block
_MARKER = re.compile(r"^[ \t]*--+ ?", re.MULTILINE)
#: lines of a commented-out statement read at most (a statement longer than this is not looked at)
MAX_LINES = 200


@dataclass(frozen=True)
class CommentedCreate:
    """A CREATE statement found inside line comments: where it starts and what it would create."""

    file: str
    line: int
    creates: tuple[Key, ...]


def _block(text: str, start: int) -> str:
    """The consecutive ``--`` lines from the one at ``start``, without their markers, up to the first one
    that ends with ``;`` (a statement commented out line by line)."""
    lines: list[str] = []
    pos = text.rfind("\n", 0, start) + 1
    while pos < len(text) and len(lines) < MAX_LINES:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        if not line.lstrip().startswith("--"):
            break
        body = _MARKER.sub("", line, count=1)
        lines.append(body)
        if body.rstrip().endswith(";"):
            break
        pos = end + 1
    return "\n".join(lines)


def commented_creators(mdir: MigrationDir) -> tuple[CommentedCreate, ...]:
    """Every CREATE statement the files of ``mdir`` hold in ``--`` comments that parses, in file order."""
    out: list[CommentedCreate] = []
    for f in mdir.files:
        text = f.forward_sql if f.text is not None else None
        if not text or "--" not in text:
            continue
        for m in _COMMENTED_CREATE.finditer(text):
            creates = creators_in(_block(text, m.start(1)))
            if creates:
                line = f.span_line + text.count("\n", 0, m.start(1))
                out.append(CommentedCreate(f.path, line, creates))
    return tuple(out)


def created_in_comment(keys: tuple[Key, ...], found: tuple[CommentedCreate, ...]) -> CommentedCreate | None:
    """The first commented-out CREATE that makes one of ``keys``."""
    for c in found:
        if any(key.matches(made) for key in keys for made in c.creates):
            return c
    return None
