"""What a replay found, as frozen data: failures with hints and root causes, stand-ins, skipped statements,
the history rows the owning tool would have written, and one outcome per file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A statement's place: the file (relative to the migrations directory) and its first token's line."""

    file: str
    line: int


@dataclass(frozen=True)
class ReplayFailure:
    """One statement that PostgreSQL rejected.

    ``statement`` is the statement's first line; ``hint`` maps PostgreSQL's message to its likely cause;
    ``root_cause`` is the earlier failure this one cascades from (None when it is a root cause itself).
    """

    file: str
    line: int
    statement: str
    sqlstate: str
    message: str
    hint: str
    root_cause: Location | None = None

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)


@dataclass(frozen=True)
class StandIn:
    """An extension the scratch server lacks, replaced by schema-compatible objects (see ``standins``)."""

    extension: str
    schema: str
    file: str
    line: int
    objects: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Skipped:
    """A statement that could not run because something it needs is unavailable on the scratch server."""

    file: str
    line: int
    statement: str
    reason: str


@dataclass(frozen=True)
class NoOp:
    """A ``DROP ... IF EXISTS ... ON t`` or ``ALTER TABLE IF EXISTS t`` that did nothing because the table
    ``t`` does not exist when it runs (PostgreSQL's "relation ... does not exist, skipping" notice): a typo in
    the table's name, or a table renamed or dropped earlier, leaves what the statement meant undone."""

    file: str
    line: int
    statement: str
    notice: str
    made_by_migrations: bool = True  # False: no statement of the chain creates the table it names


@dataclass(frozen=True)
class Assumed:
    """An extension no file creates that the chain needs, assumed enabled on the platform: ``file``:``line``
    is the first statement that needs it, ``what`` what it uses (``type vector``, ``similarity()``)."""

    extension: str
    file: str
    line: int
    what: str


@dataclass(frozen=True)
class HistoryRow:
    """A row the owning tool writes to its history table after applying a file."""

    version: str
    name: str
    file: str
    statements: int
    written: bool  # False when the file failed or its version collides with an earlier file's
    collides_with: str | None = None  # the earlier file with the same version (primary key violation)


@dataclass(frozen=True)
class FileOutcome:
    """``status``: applied, failed (some statement failed), not-run (replay stopped before it), skipped
    (the caller asked), unreadable."""

    file: str
    status: str
    statements: int
    failed: int


@dataclass(frozen=True)
class ReplayResult:
    """Everything one replay found. ``url`` is the scratch database's URL when it was kept, else None."""

    directory: str
    tool: str
    files: tuple[FileOutcome, ...]
    failures: tuple[ReplayFailure, ...]
    stand_ins: tuple[StandIn, ...]
    skipped: tuple[Skipped, ...]
    history: tuple[HistoryRow, ...]
    supabase_base: bool
    url: str | None = None
    seconds: float = 0.0
    created_roles: tuple[
        str, ...
    ] = ()  # roles the migrations created (server-wide; dropped with the database)
    # CREATE EXTENSION of an extension the hosted platform provides (Supabase base) that the scratch server
    # lacks: not run, not a failure; what needs its objects is reported as skipped
    provided: tuple[Skipped, ...] = ()
    # extensions no file creates that the files need, created in schema extensions before the chain ran on
    # the Supabase base: enabled from the dashboard on the hosted project (see ``assumed``)
    assumed: tuple[Assumed, ...] = ()
    # Flyway placeholders substituted before the chain ran, one line each: what it became and why
    placeholders: tuple[str, ...] = ()
    # statements that did nothing because the table they name (DROP ... IF EXISTS ... ON t, ALTER TABLE IF
    # EXISTS t) does not exist at that point
    no_ops: tuple[NoOp, ...] = ()

    @property
    def ok(self) -> bool:
        """Every file applied: no failure, and no file that could not be read."""
        return not self.failures and all(f.status != "unreadable" for f in self.files)

    @property
    def root_causes(self) -> tuple[ReplayFailure, ...]:
        return tuple(f for f in self.failures if f.root_cause is None)

    @property
    def history_collisions(self) -> tuple[HistoryRow, ...]:
        return tuple(h for h in self.history if h.collides_with)
