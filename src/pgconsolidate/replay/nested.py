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


def declarative_schemas(root: str | Path) -> Path | None:
    """The Supabase project directory (``.../supabase``) when ``root`` is its declarative schema directory
    (``supabase/schemas``: SQL files stating the desired schema, that ``supabase db diff`` turns into
    migrations; ``[db.migrations] schema_paths`` in ``config.toml`` may list others), else None."""
    path = Path(root)
    try:
        resolved = path.resolve()
        parent = resolved.parent
        config = parent / "config.toml"
        listed = config.is_file() and "schema_paths" in config.read_text(errors="replace")
        if (resolved.name == "schemas" and parent.name == "supabase") or (
            listed and (parent / "migrations").is_dir() and resolved.name != "migrations"
        ):
            return parent
    except OSError:
        return None
    return None


def nested_hint(mdir: MigrationDir) -> str:
    """``"; did you mean DIR/supabase/migrations?"`` when a nested migrations directory exists; for a
    Supabase declarative schema directory, what it is and where its migrations are; else ""."""
    if not mdir.files and (project := declarative_schemas(mdir.root)) is not None:
        where = project / "migrations"
        return (
            "; these are Supabase declarative schema files (the desired state `supabase db diff` turns into "
            "migrations), not migrations: consolidate the migrations directory"
            + (f" (did you mean {where}?)" if where.is_dir() else "")
        )
    found = nested_migrations(mdir)
    return f"; did you mean {found}?" if found is not None else ""
