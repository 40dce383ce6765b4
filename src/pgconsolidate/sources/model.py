"""What a migrations directory holds, as frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Scheme(StrEnum):
    """A naming scheme, named after the tool that owns it."""

    SUPABASE = "supabase"  # <digits>_<name>.sql, ordered by file name (Supabase CLI, dbmate)
    DBMATE = "dbmate"  # <digits>_<name>.sql with -- migrate:up / -- migrate:down markers
    GOOSE = "goose"  # <digits>_<name>.sql with -- +goose Up / -- +goose Down markers
    TERN = "tern"  # <digits>_<name>.sql, up above '---- create above / drop below ----' (jackc/tern)
    SQL_MIGRATE = "sql-migrate"  # any <name>.sql with -- +migrate Up / -- +migrate Down markers (rubenv)
    GOLANG_MIGRATE = "golang-migrate"  # <digits>_<name>.up.sql / .down.sql
    FLYWAY = "flyway"  # V<ver>__<name>.sql, R__<name>.sql
    FLYWAY_REPEATABLE = "flyway-repeatable"
    NUMBERED = "numbered"  # 001-name.sql, 1.name.sql: plain numbered
    PRISMA = "prisma"  # <14-digit timestamp>_<name>/migration.sql, ordered by directory name
    DRIZZLE = "drizzle"  # <4 digits>_<words>.sql, ordered by meta/_journal.json
    DIESEL = "diesel"  # <version>_<name>/up.sql (+ down.sql), ordered by version (Diesel, refinery dirs)


#: :attr:`MigrationDir.tool_label` of a ``<digits>_<name>.sql`` directory (ordered by file name, as the
#: Supabase CLI and dbmate order it) that is not a Supabase project's
NEUTRAL_LABEL = "<digits>_<name>.sql"
#: :attr:`MigrationDir.tool_name` of such a directory: what a sentence calls a tool the names do not tell
NEUTRAL_TOOL = "the migration tool"


@dataclass(frozen=True)
class FileName:
    """What a file name says: version, name, scheme, direction."""

    version: str
    name: str
    scheme: Scheme
    direction: str = "up"  # "up" or "down"

    @property
    def version_style(self) -> str:
        """The style of the version prefix: ``timestamp14``, ``date8``, ``short`` or ``dotted``."""
        v = self.version
        if not v.isdigit():
            return "dotted" if v else "none"
        if len(v) == 14:
            return "timestamp14"
        if len(v) == 8 and v.startswith(("19", "20")):
            return "date8"
        if len(v) >= 12:
            return f"digits{len(v)}"
        return "short"


@dataclass(frozen=True)
class FileProblem:
    """Something wrong with a file before it can be parsed (encoding, NUL bytes, unreadable)."""

    kind: str  # "encoding", "nul-byte", "unreadable", "empty", "too-large"
    message: str
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class MigrationFile:
    """One migration file: its bytes, its decoded text and what its name says.

    ``span`` is the part of ``text`` that is the forward migration (goose/dbmate keep up and down in
    one file); ``span_line`` is the 1-based line at which that part starts.
    """

    path: str  # relative to the migrations directory, with forward slashes
    filename: FileName
    sha256: str
    size: int
    text: str | None  # None when it cannot be decoded
    problems: tuple[FileProblem, ...] = ()
    span: tuple[int, int] | None = None
    span_line: int = 1

    @property
    def version(self) -> str:
        return self.filename.version

    @property
    def name(self) -> str:
        return self.filename.name

    @property
    def scheme(self) -> Scheme:
        return self.filename.scheme

    @property
    def forward_sql(self) -> str:
        """The SQL that runs when migrating forward."""
        if self.text is None:
            return ""
        if self.span is None:
            return self.text
        return self.text[self.span[0] : self.span[1]]


@dataclass(frozen=True)
class LeftOut:
    """A path in the directory that is not a migration, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class MigrationDir:
    """The migrations of one directory in the order the owning tool applies them."""

    root: str  # as given by the user (for display)
    tool: Scheme
    files: tuple[MigrationFile, ...]
    left_out: tuple[LeftOut, ...] = field(default=())
    # drizzle-kit: each file's journal ``when`` (the created_at its history row gets), by path
    journal_times: tuple[tuple[str, int], ...] = field(default=())
    # what messages call the directory's tool when ``tool``'s name would claim too much ("" = tool's name)
    label: str = ""

    @property
    def tool_label(self) -> str:
        """The owning tool as messages name it: :attr:`tool`'s name, except for a directory of
        ``<digits>_<name>.sql`` files outside a Supabase project (``NEUTRAL_LABEL``: dbmate without markers,
        sqlx, hand-rolled runners use the same names). ``tool`` still decides what depends on it
        (the file-name order, the history table, the consolidation's file names)."""
        return self.label or self.tool.value

    @property
    def tool_named(self) -> bool:
        """Whether messages may name :attr:`tool` (say what that tool does): False for a directory of
        ``<digits>_<name>.sql`` files outside a Supabase project, whose names do not tell the tool."""
        return not self.label

    @property
    def tool_name(self) -> str:
        """The owning tool as a sentence names it (``supabase runs each file in a transaction``), or
        ``NEUTRAL_TOOL`` when :attr:`tool_named` is False."""
        return NEUTRAL_TOOL if self.label else self.tool.value

    def by_path(self, path: str) -> MigrationFile | None:
        for f in self.files:
            if f.path == path:
                return f
        return None
