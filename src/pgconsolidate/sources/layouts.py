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

    ``consolidate`` writes flat ``<version>_<name>.sql`` files and the history rows of the flat tools; a
    Prisma clean set needs ``<timestamp>_<name>/migration.sql`` directories and ``_prisma_migrations``
    rows (checksums), a drizzle one new ``meta/_journal.json`` entries and ``__drizzle_migrations`` hashes.
    Rather than write files the tool would not run (or would run again), it says so.
    """
    if tool is Scheme.PRISMA:
        return (
            "consolidate cannot write a Prisma layout yet (<timestamp>_<name>/migration.sql directories and "
            "_prisma_migrations rows); analyze, replay and plan read it"
        )
    if tool is Scheme.DIESEL:
        return (
            "consolidate cannot write a Diesel layout yet (<version>_<name>/up.sql directories and "
            "__diesel_schema_migrations rows); analyze, replay and plan read it"
        )
    if tool is Scheme.DRIZZLE:
        return (
            "consolidate cannot write a drizzle-kit layout yet (meta/_journal.json entries and "
            "drizzle.__drizzle_migrations hashes); analyze, replay and plan read it"
        )
    return None
