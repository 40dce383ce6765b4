"""What the directory's left-out files would create (a file the migration tool does not run, such as
``005b_create_items.sql`` whose name has no version prefix, or a ``.disabled`` one).

When a replayed statement fails because an object is missing and only such a file creates it, the real
cause is that file's name, not a table "made by hand or from the dashboard". :func:`left_out_creators`
reads those files (the replay layer does I/O); :func:`creators_in` is pure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pglast import parser

from pgconsolidate.replay.objects import Key, created_by
from pgconsolidate.sources.model import MigrationDir, Scheme

#: Left-out files larger than this are not read for their CREATE statements.
MAX_OUTSIDE_BYTES = 4 * 1024 * 1024
#: Reasons whose files never meant to build the schema forwards (they undo it).
_NOT_FORWARD = ("down migration",)


@dataclass(frozen=True)
class OutsideFile:
    """A file of the directory that the migration tool does not run, why, and what it would create."""

    path: str
    reason: str
    creates: tuple[Key, ...]


def creators_in(text: str) -> tuple[Key, ...]:
    """The objects ``text``'s statements would create (empty when it does not parse as a whole)."""
    try:
        tree = json.loads(parser.parse_sql_json(text))
    except parser.ParseError:
        return ()
    keys: list[Key] = []
    for raw in tree.get("stmts", []):
        node = raw.get("stmt") if isinstance(raw, dict) else None
        if isinstance(node, dict):
            keys.extend(created_by(node))
    return tuple(keys)


def _file_creators(path: Path) -> tuple[Key, ...]:
    """What the file at ``path`` would create (:func:`creators_in`); empty when it cannot be read, is not
    UTF-8 or is larger than :data:`MAX_OUTSIDE_BYTES`."""
    try:
        if path.stat().st_size > MAX_OUTSIDE_BYTES:
            return ()
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return ()
    return creators_in(text)


def left_out_creators(mdir: MigrationDir) -> tuple[OutsideFile, ...]:
    """The ``.sql`` files left out of ``mdir`` (not down migrations) that create something."""
    root = Path(mdir.root)
    out: list[OutsideFile] = []
    for lo in mdir.left_out:
        if lo.path.endswith("/") or not lo.path.endswith(".sql") or lo.reason in _NOT_FORWARD:
            continue
        creates = _file_creators(root / lo.path)
        if creates:
            out.append(OutsideFile(lo.path, lo.reason, creates))
    return tuple(out) + beside_creators(root, supabase=mdir.tool is Scheme.SUPABASE and mdir.tool_named)


#: why a ``.sql`` file next to a Supabase project's migrations directory is not one of its migrations, by
#: its name (elsewhere, and for other names: :data:`_BESIDE_ANY`)
_BESIDE = {
    "seed.sql": "the Supabase CLI runs it after the migrations on db reset, never on db push",
}


_BESIDE_ANY = "next to the migrations directory, not in it: applied by hand, if at all"


def beside_creators(root: Path, *, supabase: bool) -> tuple[OutsideFile, ...]:
    """The ``.sql`` files next to the migrations directory ``root`` (in its parent: ``supabase/schema.sql``
    beside ``supabase/migrations``, dbmate's ``db/schema.sql``) that create something: a project that keeps
    its base schema there and only deltas in the migrations is replayed without it. Paths are relative to
    ``root`` (``../schema.sql``). Only for a directory named ``migrations`` (its parent is then the
    project's, or its database folder). ``supabase``: the directory is a Supabase project's (the Supabase
    CLI runs its ``seed.sql``; another tool's ``seed.sql`` is no more than a file beside)."""
    resolved = root.resolve()
    if resolved.name != "migrations":
        return ()
    parent = resolved.parent
    try:
        files = sorted(p for p in parent.iterdir() if p.suffix == ".sql" and p.is_file())
    except OSError:
        return ()
    out: list[OutsideFile] = []
    for path in files:
        creates = _file_creators(path)
        if creates:
            why = _BESIDE.get(path.name, _BESIDE_ANY) if supabase else _BESIDE_ANY
            out.append(OutsideFile(f"../{path.name}", why, creates))
    return tuple(out)


def created_outside(keys: tuple[Key, ...], outside: tuple[OutsideFile, ...]) -> OutsideFile | None:
    """The first left-out file that creates one of ``keys``."""
    for f in outside:
        if any(key.matches(made) for key in keys for made in f.creates):
            return f
    return None
