"""Migration history as frozen data: what a database's history table says, and how it matches the files."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AppliedMigration:
    """One row of a history table (fields a tool does not record are None)."""

    version: str | None  # None for Flyway repeatable migrations
    name: str | None = None
    statements: tuple[str, ...] | None = None  # Supabase records the statements it ran
    checksum: int | None = None  # Flyway
    success: bool | None = None  # Flyway, Prisma, sqlx
    dirty: bool | None = None  # golang-migrate
    script: str | None = None  # Flyway; sql-migrate: the file name (also its version here)
    rank: int | None = None  # Flyway installed_rank; drizzle created_at
    entry_type: str | None = None  # Flyway: SQL, JDBC, BASELINE, SCHEMA, DELETE, ...
    sha256: str | None = None  # Prisma, drizzle: hex SHA-256 of the file
    sha384: str | None = None  # sqlx: hex SHA-384 of the file's bytes


@dataclass(frozen=True)
class HistoryTable:
    """The history table of one migration tool, as read from a database."""

    tool: str  # supabase, dbmate, golang-migrate, flyway, goose, prisma, drizzle, diesel, sqlx, sql-migrate
    table: str  # schema.name
    entries: tuple[AppliedMigration, ...]
    rolled_back: tuple[str, ...] = ()  # goose: versions whose latest row is a down (is_applied false)


# Kinds of history issues.
APPLIED_WITHOUT_FILE = "applied-without-file"
NEVER_APPLIED = "never-applied"
CONTENT_DIFFERS = "content-differs"
NAME_DIFFERS = "name-differs"
DIRTY = "dirty"
FAILED = "failed"
SHARED_VERSION = "shared-version"
NO_HISTORY = "no-history"


@dataclass(frozen=True)
class HistoryIssue:
    """One disagreement between a history table and the files (or a bad state of the history itself)."""

    kind: str
    message: str
    version: str | None = None
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Reconciliation:
    """The result of matching one history table against a migrations directory."""

    tool: str
    table: str
    applied: int  # rows that count as applied
    files: int  # forward migration files in the directory
    matched: int  # files whose version is recorded as applied
    issues: tuple[HistoryIssue, ...]

    @property
    def clean(self) -> bool:
        return not self.issues
