"""Where the migrations probably are when a directory holds none: a project root was given instead of
its migrations directory (``supabase/migrations``, ``db/migrations``, ``prisma/migrations``, ...)."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.sources.model import MigrationDir

#: Sub-paths of a project root where migration tools keep their files, most specific first.
NESTED_DIRS = (
    "supabase/migrations",
    "prisma/migrations",
    "db/migrations",
    "database/migrations",
    "migrations",
    "sql/migrations",
    "drizzle",
)


def nested_migrations(mdir: MigrationDir) -> Path | None:
    """The first of :data:`NESTED_DIRS` under ``mdir``'s root that holds a ``.sql`` file (directly or one
    level down, as Prisma's do), when ``mdir`` has no migration file of its own; else None."""
    if mdir.files:
        return None
    root = Path(mdir.root)
    for sub in NESTED_DIRS:
        candidate = root / sub
        try:
            if candidate.is_dir() and (
                any(candidate.glob("*.sql")) or any(candidate.glob("*/migration.sql"))
            ):
                return candidate
        except OSError:
            continue
    return None


def nested_hint(mdir: MigrationDir) -> str:
    """``"; did you mean DIR/supabase/migrations?"`` when a nested migrations directory exists, else ""."""
    found = nested_migrations(mdir)
    return f"; did you mean {found}?" if found is not None else ""
