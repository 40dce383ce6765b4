"""The layouts of tools that do not keep one flat directory of ``<version>_<name>.sql`` files.

* Prisma: ``prisma/migrations/<14-digit timestamp>_<name>/migration.sql`` plus ``migration_lock.toml``
  (the provider). Each subdirectory is one migration; Prisma applies them in directory-name order.
* Drizzle: ``drizzle/<4 digits>_<words>.sql`` (statements separated by ``--> statement-breakpoint``
  comments) and ``meta/_journal.json``, whose ``entries`` (``idx``, ``tag``) list the migrations in the
  order drizzle-kit applies them.

* Diesel: ``migrations/<version>_<name>/up.sql`` (and ``down.sql``); the version is the part before
  the first ``_`` without its dashes (``2024-01-31-120000`` -> ``20240131120000``, Diesel's own
  ``00000000000000_diesel_initial_setup``), and Diesel applies the directories in version order,
  recording each in ``__diesel_schema_migrations``.

Pure: names and bytes in, data out (the reading is in :mod:`pgconsolidate.sources.reader`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pgconsolidate.sources.model import FileName, Scheme

PRISMA_LOCK = "migration_lock.toml"
PRISMA_FILE = "migration.sql"
DRIZZLE_META = "meta"
DRIZZLE_JOURNAL = "meta/_journal.json"
DRIZZLE_BREAKPOINT = "--> statement-breakpoint"

_PRISMA_DIR = re.compile(r"^(?P<version>\d+)_(?P<name>.*)$")
_DIESEL_DIR = re.compile(r"^(?P<version>\d[\d-]*)_(?P<name>.+)$")
DIESEL_UP = "up.sql"
_DRIZZLE_FILE = re.compile(r"^(?P<version>\d{4})_(?P<name>.+)\.sql$")


def prisma_dir_name(dirname: str) -> FileName | None:
    """What a Prisma migration directory's name says (``20240101120000_init``), or None."""
    m = _PRISMA_DIR.match(dirname)
    return FileName(m["version"], m["name"], Scheme.PRISMA) if m else None


def diesel_dir_name(dirname: str) -> FileName | None:
    """What a Diesel migration directory's name says (``2024-01-31-120000_create_users``), or None."""
    m = _DIESEL_DIR.match(dirname)
    if m is None or not any(ch.isdigit() for ch in m["version"]):
        return None
    return FileName(m["version"].replace("-", ""), m["name"], Scheme.DIESEL)


def drizzle_file_name(filename: str) -> FileName | None:
    """What a drizzle-kit file name says (``0003_brave_wolf.sql``), or None."""
    m = _DRIZZLE_FILE.match(filename)
    return FileName(m["version"], m["name"], Scheme.DRIZZLE) if m else None


def looks_like_drizzle(names: Iterable[str]) -> bool:
    """True when every ``.sql`` name is drizzle-kit's ``<4 digits>_<words>.sql`` (and there is one)."""
    sql = [n for n in names if n.endswith(".sql")]
    return bool(sql) and all(_DRIZZLE_FILE.match(n) for n in sql)


@dataclass(frozen=True)
class Journal:
    """The migration tags of a drizzle ``meta/_journal.json`` in ``idx`` order, with each entry's ``when``
    (the ``created_at`` drizzle-kit records for it; None when the entry has none)."""

    tags: tuple[str, ...]
    whens: tuple[int | None, ...] = ()


def parse_journal(data: bytes, where: str) -> Journal:
    """The tags of a drizzle journal, ordered by ``idx`` (ties keep the journal's order).

    Raises ValueError with ``where`` in the message when the journal is not the JSON drizzle-kit writes.
    """
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{where}: not valid JSON: {exc}") from None
    entries = doc.get("entries") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{where}: no 'entries' list")
    keyed: list[tuple[int, int, str, int | None]] = []
    for pos, entry in enumerate(entries):
        tag = entry.get("tag") if isinstance(entry, dict) else None
        idx = entry.get("idx", pos) if isinstance(entry, dict) else None
        if not isinstance(tag, str) or not tag or not isinstance(idx, int) or isinstance(idx, bool):
            raise ValueError(f"{where}: entry {pos} has no string 'tag' and integer 'idx'")
        when = entry.get("when")
        keyed.append((idx, pos, tag, when if isinstance(when, int) and not isinstance(when, bool) else None))
    ordered = sorted(keyed)
    return Journal(tuple(k[2] for k in ordered), tuple(k[3] for k in ordered))


def unwritable_layout(tool: Scheme) -> str | None:
    """Why a clean set cannot be written in ``tool``'s layout (None: it can).

    Prisma (``<timestamp>_<name>/migration.sql`` directories, ``_prisma_migrations`` rows with the
    files' SHA-256) and Diesel (``<version>_<name>/up.sql`` + ``down.sql``, ``__diesel_schema_migrations``
    rows) are written (:mod:`pgconsolidate.generate.layouts`). drizzle-kit is refused: besides its journal
    and ``__drizzle_migrations`` hashes, ``drizzle-kit generate`` diffs the TypeScript schema against the
    newest ``meta/NNNN_snapshot.json``, a JSON model of the schema that drizzle-kit derives from the
    TypeScript code, not from SQL. A consolidated set needs a snapshot of the schema after the
    consolidation fix (merged tables, converted definers, dropped duplicates), which cannot be derived
    from the database correctly (it holds what the TypeScript says, e.g. ``$type``, relation names,
    ``casing``, that the catalog does not). Rather than write a snapshot that makes the next
    ``drizzle-kit generate`` undo or repeat the consolidation, it says so.
    """
    if tool is Scheme.DRIZZLE:
        return (
            "consolidate cannot write a drizzle-kit layout: `drizzle-kit generate` diffs the TypeScript "
            "schema against the newest meta/NNNN_snapshot.json, which drizzle-kit derives from the "
            "TypeScript code (not from SQL); a snapshot of the consolidated schema (after the fix) cannot "
            "be derived from the database correctly, and the old one would make the next generate undo or "
            "repeat the consolidation (analyze, replay, plan and inspect read drizzle-kit projects)"
        )
    return None
