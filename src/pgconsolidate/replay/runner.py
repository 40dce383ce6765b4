"""Apply a migration chain to a fresh scratch database, statement by statement (I/O).

The chain runs the way its owning tool runs it: files in the tool's order, each file in one transaction
(unless the file opts out: ``-- +goose NO TRANSACTION``, ``-- migrate:up transaction:false``, sqlx's
``-- no-transaction`` first line), with the server's defaults, ``check_function_bodies = on`` included.
Statements are sent one at a time so that each failure has its file and line. Without ``keep_going`` the
replay stops at the first failure (and that file is rolled back, as the tool would); with it, each
statement runs under a savepoint and every failing statement is found in one run.

``CREATE EXTENSION x`` for an extension the server lacks is intercepted: a stand-in is created instead
when one exists (see ``standins``); otherwise the statement runs, fails and is reported (and everything
that cascades from it is listed as skipped).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import psycopg
from psycopg import sql

from pgconsolidate.db.connect import connection, one_line
from pgconsolidate.errors import DatabaseError
from pgconsolidate.replay.analysis import PLATFORM_SCHEMAS, RawFailure, analyse
from pgconsolidate.replay.assumed import uncreated_needs
from pgconsolidate.replay.commented import commented_creators
from pgconsolidate.replay.model import (
    Assumed,
    FileOutcome,
    HistoryRow,
    NoOp,
    ReplayResult,
    Skipped,
    StandIn,
)
from pgconsolidate.replay.needs import supabase_reasons
from pgconsolidate.replay.objects import created_by, missing_objects
from pgconsolidate.replay.outside import left_out_creators
from pgconsolidate.replay.placeholders import substitute_dir
from pgconsolidate.replay.units import Unit, file_units
from pgconsolidate.scratch.databases import create_database, database_name, drop_database
from pgconsolidate.scratch.server import ScratchServer
from pgconsolidate.scratch.standins import (
    SPECS,
    has_stand_in,
    install_stand_in,
    installed_stand_ins,
    stand_in_objects,
)
from pgconsolidate.scratch.supabase import PLATFORM_EXTENSIONS, supabase_database
from pgconsolidate.sources.directives import sqlx_no_transaction
from pgconsolidate.sources.model import MigrationDir, MigrationFile, Scheme

Progress = Callable[[str, int, int], None]
"""Called before each file with (file, index starting at 0, number of files)."""

_NO_TX = re.compile(
    r"--\s*\+goose\s+NO\s+TRANSACTION|--\s*migrate:up\b[^\n]*transaction\s*:\s*false"
    r"|^-- \+migrate[ \t]+Up[ \t][^\n]*\bnotransaction\b"  # sql-migrate: case-sensitive, at line start
    r"|^---- tern: disable-tx ----$",
    re.I | re.M,
)
_SAVEPOINT = "pgc_replay_stmt"
# statements that batch mode sends on their own: intercepted, recorded, or transaction control
_ON_THEIR_OWN = frozenset({"CreateExtensionStmt", "CreateRoleStmt", "TransactionStmt"})


_MISSING_RELATION = re.compile(r'^relation "[^"]+" does not exist, skipping$')


def _may_skip_missing_table(unit: Unit) -> bool:
    """``DROP ... IF EXISTS ... ON t`` (policy, trigger, rule) or ``ALTER TABLE IF EXISTS t``: PostgreSQL
    skips it with a notice when ``t`` is missing, so it runs on its own (the notice names its statement)."""
    kind = unit.kind
    if kind not in ("DropStmt", "AlterTableStmt"):
        return False
    body = unit.body
    if not body.get("missing_ok"):
        return False
    return kind == "AlterTableStmt" or body.get("removeType") in (
        "OBJECT_POLICY",
        "OBJECT_TRIGGER",
        "OBJECT_RULE",
    )


_FLYWAY_SCHEMES = frozenset({Scheme.FLYWAY, Scheme.FLYWAY_REPEATABLE})
_CONCURRENTLY = re.compile(r"\bconcurrently\b", re.I)
_NON_TRANSACTIONAL_KINDS = frozenset(
    {"CreatedbStmt", "DropdbStmt", "AlterSystemStmt", "CreateTableSpaceStmt", "DropTableSpaceStmt"}
)


def _flyway_non_transactional(unit: Unit) -> bool:
    """A statement Flyway's PostgreSQL parser runs outside a transaction (``CREATE/DROP INDEX
    CONCURRENTLY``, ``REINDEX ... CONCURRENTLY``, ``VACUUM``, ``CREATE DATABASE``, ``ALTER SYSTEM``, ...):
    Flyway then runs the whole migration without a transaction (and refuses one that mixes them with
    other statements unless ``flyway.mixed``)."""
    kind = unit.kind
    if kind in ("IndexStmt", "DropStmt", "ReindexStmt"):
        return _CONCURRENTLY.search(unit.text) is not None
    if kind == "VacuumStmt":
        return unit.text.lstrip().upper().startswith("VACUUM")
    return kind in _NON_TRANSACTIONAL_KINDS


def runs_in_transaction(f: MigrationFile) -> bool:
    """Whether the owning tool wraps the file in a transaction."""
    if not f.text:
        return True
    if sqlx_no_transaction(f.scheme, f.text):  # sqlx's first-line directive
        return False
    return not _NO_TX.search(f.text)


def available_extensions(url: str) -> frozenset[str]:
    """Extensions the server at ``url`` can install (``pg_available_extensions``)."""
    with connection(url, autocommit=True) as conn:
        rows = conn.execute("SELECT name FROM pg_catalog.pg_available_extensions").fetchall()
    return frozenset(str(r[0]) for r in rows)


@dataclass
class _Run:
    """Mutable state of one run (kept private; the result is frozen)."""

    units: list[Unit] = field(default_factory=list)
    raw: list[RawFailure] = field(default_factory=list)
    outcomes: list[FileOutcome] = field(default_factory=list)
    stand_ins: list[StandIn] = field(default_factory=list)
    stood_in: set[str] = field(default_factory=set)
    history: list[HistoryRow] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    created_roles: list[str] = field(default_factory=list)
    provided: dict[int, str] = field(default_factory=dict)  # position -> extension the platform provides
    no_ops: list[tuple[int, str]] = field(default_factory=list)  # position, "relation ... skipping" notice


#: a foreign key violation's detail: ``Key (user_id)=(...) is not present in table "users".``
_NOT_PRESENT = re.compile(r'is not present in table "([^"]+)"')


def _diag(exc: psycopg.Error) -> tuple[str, str]:
    sqlstate = exc.sqlstate or ""
    message = exc.diag.message_primary if exc.diag and exc.diag.message_primary else one_line(exc)
    return sqlstate, message


#: SQLSTATEs of "does not exist" errors (a missing relation, type, function, schema, column)
_MISSING_STATE = dict.fromkeys(("42P01", "42704", "42883", "3F000", "42703"), True)


def _error_line(unit: Unit, exc: psycopg.Error) -> int:
    """The file line PostgreSQL's error position points at, for a statement that does not parse and
    spans lines (a quote or ``*/`` inside a comment makes the server read the rest of the file as one
    statement: the error is far below the line it starts on); 0 when that adds nothing."""
    if unit.parses or "\n" not in unit.text:
        return 0
    pos = exc.diag.statement_position if exc.diag else None
    try:
        at = int(pos) if pos else 0
    except ValueError:
        return 0
    if at <= 0:
        return 0
    inner = unit.text.count("\n", 0, min(at - 1, len(unit.text)))
    return unit.line + inner if inner else 0


def _extension_target(unit: Unit) -> tuple[str, str | None] | None:
    """(extension, schema) of a ``CREATE EXTENSION`` statement."""
    if unit.kind != "CreateExtensionStmt":
        return None
    body = unit.body
    schema = None
    for opt in body.get("options", []):
        d = opt.get("DefElem", {}) if isinstance(opt, dict) else {}
        if d.get("defname") == "schema":
            arg = d.get("arg", {})
            schema = arg.get("String", {}).get("sval") if isinstance(arg, dict) else None
    return str(body.get("extname", "")), schema


def _history(conn: psycopg.Connection, f: MigrationFile, units: list[Unit], run: _Run, write: bool) -> None:
    """Record the history row the tool writes for ``f`` (and write it when the file applied).

    Two files sharing a version collide on the history table's primary key: the real CLI fails on the
    second one. The row is recorded with ``collides_with`` and not written.
    """
    version = f.version
    first = run.versions.get(version)
    if first is None:
        run.versions[version] = f.path
    write = write and first is None
    run.history.append(HistoryRow(version, f.name, f.path, len(units), write, first))
    if write:
        conn.execute(
            "INSERT INTO supabase_migrations.schema_migrations (version, name, statements) "
            "VALUES (%s, %s, %s)",
            [version, f.name, [u.text for u in units]],
        )


def _copy(conn: psycopg.Connection, unit: Unit) -> None:
    """``COPY ... FROM stdin`` with the data that follows it in the file (as psql sends it)."""
    assert unit.copy_data is not None
    with conn.cursor() as cur, cur.copy(unit.text.encode()) as copy:
        copy.write(unit.copy_data.encode())


class _Refused(Exception):
    """What the real server would answer to a statement that a stand-in handles."""

    def __init__(self, sqlstate: str, message: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.message = message


class _Replayer:
    def __init__(
        self,
        conn: psycopg.Connection,
        available: frozenset[str],
        *,
        keep_going: bool,
        stand_ins: bool,
        record_history: bool,
        batch: bool = False,
        platform: frozenset[str] = frozenset(),
    ) -> None:
        self.conn = conn
        self.platform = platform
        self.batch = batch and not keep_going
        self.available = available
        self.keep_going = keep_going
        self.use_stand_ins = stand_ins
        self.record_history = record_history
        self.run = _Run()
        self.position = -1  # the statement being run (batched statements: -1)
        conn.add_notice_handler(self._notice)

    def _notice(self, diag: psycopg.errors.Diagnostic) -> None:
        message = diag.message_primary or ""
        if self.position >= 0 and _MISSING_RELATION.match(message):
            self.run.no_ops.append((self.position, message))

    def _fail(self, position: int, exc: psycopg.Error, line: int = 0) -> None:
        sqlstate, message = _diag(exc)
        if line:
            message = f"{message} (at line {line})"
        referenced = ""
        if sqlstate == "23503" and exc.diag and exc.diag.message_detail:
            m = _NOT_PRESENT.search(exc.diag.message_detail)
            referenced = m[1] if m else ""
        self.run.raw.append(RawFailure(position, sqlstate, message, referenced))

    def _intercept(self, unit: Unit, position: int = -1) -> bool:
        """Handle ``CREATE EXTENSION`` of an unavailable extension: True when a stand-in took its place
        (or already stands in for it, or the platform provides it); raises :class:`_Refused` where the real
        server would refuse."""
        target = _extension_target(unit)
        if target is None:
            return False
        ext, schema = target
        if ext in self.platform and ext not in self.available:
            # already installed on every project of the platform: IF NOT EXISTS is a no-op there
            if not unit.body.get("if_not_exists"):
                raise _Refused("42710", f'extension "{ext}" already exists')
            self.run.provided.setdefault(position, ext)
            return True
        if ext in self.available or not has_stand_in(ext):
            return False
        if ext in self.run.stood_in:
            if not unit.body.get("if_not_exists"):
                raise _Refused("42710", f'extension "{ext}" already exists')
            return True
        if not self.use_stand_ins:
            return False
        created = install_stand_in(self.conn, ext, schema)
        self.run.stood_in.add(ext)
        self.run.stand_ins.append(
            StandIn(ext, created, unit.file, unit.line, stand_in_objects(ext, created), SPECS[ext].note)
        )
        return True

    def _statement(self, position: int, unit: Unit, savepoint: bool, first: bool, own: bool = True) -> bool:
        """Run one statement (``own``: a unit of the file, not statements joined into one batch); True
        when it succeeded."""
        conn = self.conn
        self.position = position if unit.tree is not None and _may_skip_missing_table(unit) else -1
        try:
            if savepoint:
                prefix = (
                    f"SAVEPOINT {_SAVEPOINT}; "
                    if first
                    else f"RELEASE SAVEPOINT {_SAVEPOINT}; SAVEPOINT {_SAVEPOINT}; "
                )
                if unit.copy_data is not None:
                    conn.execute(prefix.encode())
                    _copy(conn, unit)
                elif not unit.parses:
                    # a statement that does not parse would reject the whole message, savepoint included
                    conn.execute(prefix.encode())
                    conn.execute(unit.text.encode())
                elif unit.kind == "CreateExtensionStmt":
                    conn.execute(prefix.encode())
                    if self._intercept(unit, position):
                        return True
                    conn.execute(unit.text.encode())
                else:
                    conn.execute((prefix + unit.text).encode())
            elif unit.copy_data is not None:
                _copy(conn, unit)
            elif not self._intercept(unit, position):
                conn.execute(unit.text.encode())
            if unit.kind == "CreateRoleStmt" and unit.body.get("role"):
                self.run.created_roles.append(str(unit.body["role"]))
            return True
        except (psycopg.Error, _Refused) as exc:
            if isinstance(exc, _Refused):
                self.run.raw.append(RawFailure(position, exc.sqlstate, exc.message))
            else:
                self._fail(position, exc, _error_line(unit, exc) if own else 0)
            if savepoint:
                conn.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
            return False

    def _groups(self, units: list[Unit]) -> list[tuple[int, Unit]]:
        """(offset, unit) to send. In batch mode, consecutive plain statements are joined into one unit
        (one round trip); statements the runner treats specially stay on their own."""
        if not self.batch:
            return list(enumerate(units))
        out: list[tuple[int, Unit]] = []
        run: list[tuple[int, Unit]] = []

        def flush() -> None:
            if len(run) == 1:
                out.append(run[0])
            elif run:
                first = run[0][1]
                text = "\n;\n".join(u.text for _, u in run)
                out.append((run[0][0], Unit(first.file, first.line, text, None)))
            run.clear()

        for offset, unit in enumerate(units):
            if (
                unit.parses
                and unit.copy_data is None
                and unit.kind not in _ON_THEIR_OWN
                and not _may_skip_missing_table(unit)
            ):
                run.append((offset, unit))
            else:
                flush()
                out.append((offset, unit))
        flush()
        return out

    def apply_file(self, f: MigrationFile, units: list[Unit], base: int) -> bool:
        """Apply one file (its statements are ``run.units[base:base + len(units)]``); False when the
        replay must stop (a failure without keep-going)."""
        run, conn = self.run, self.conn
        if f.text is None:
            run.outcomes.append(FileOutcome(f.path, "unreadable", 0, 0))
            return self.keep_going
        in_tx = runs_in_transaction(f) and not (
            (f.scheme in _FLYWAY_SCHEMES and any(_flyway_non_transactional(u) for u in units))
            # golang-migrate sends the file as one query: a lone statement runs outside any transaction
            or (f.scheme is Scheme.GOLANG_MIGRATE and len(units) == 1)
        )
        failed = 0
        if in_tx:
            conn.execute("BEGIN")
        first = True
        for offset, unit in self._groups(units):
            position = base + offset
            if in_tx and unit.kind == "TransactionStmt":
                continue  # the tool's own transaction wraps the file; BEGIN/COMMIT inside it are no-ops
            own = unit is units[offset]
            ok = self._statement(position, unit, savepoint=in_tx and self.keep_going, first=first, own=own)
            first = False
            if not ok:
                failed += 1
                if not self.keep_going:
                    if in_tx:
                        conn.execute("ROLLBACK")
                    run.outcomes.append(FileOutcome(f.path, "failed", len(units), failed))
                    return False
        if in_tx:
            try:
                if self.keep_going and not first:
                    conn.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
                if self.record_history:
                    _history(conn, f, units, run, write=failed == 0)
                conn.execute("COMMIT")
            except psycopg.Error as exc:
                conn.execute("ROLLBACK")
                if units:
                    self._fail(base + len(units) - 1, exc)
                failed += 1
        elif self.record_history:
            _history(conn, f, units, run, write=failed == 0)
        run.outcomes.append(FileOutcome(f.path, "failed" if failed else "applied", len(units), failed))
        return not failed or self.keep_going


def _assume_enabled(conn: psycopg.Connection, mdir: MigrationDir, available: frozenset[str]) -> list[Assumed]:
    """Create in schema ``extensions`` every extension the chain needs, none of its files creates, the
    database lacks and the server has (enabled from the dashboard on the hosted project); returns them."""
    needed = [a for a in uncreated_needs(mdir) if a.extension in available]
    if not needed:
        return []
    rows = conn.execute("SELECT extname FROM pg_catalog.pg_extension").fetchall()
    installed = {str(r[0]) for r in rows}
    out: list[Assumed] = []
    for a in needed:
        if a.extension in installed:
            continue
        conn.execute(
            sql.SQL("CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA extensions").format(
                sql.Identifier(a.extension)
            )
        )
        out.append(a)
    return out


def replay_into(
    url: str,
    mdir: MigrationDir,
    *,
    keep_going: bool = False,
    stand_ins: bool = True,
    record_history: bool | None = None,
    progress: Progress | None = None,
    available: frozenset[str] | None = None,
    stood_in: frozenset[str] = frozenset(),
    skip_files: frozenset[str] = frozenset(),
    batch: bool = False,
    platform: frozenset[str] | None = None,
) -> ReplayResult:
    """Apply ``mdir``'s chain to the existing database at ``url`` (see the module docstring).

    ``stood_in``: extensions for which stand-ins already exist in the database (``CREATE EXTENSION`` of
    one of them is then a no-op). ``skip_files``: paths not to apply (reported with status "skipped").
    ``batch`` (without ``keep_going``; for generated files expected to apply, such as a clean set):
    consecutive statements are sent as one query, a failure is reported at the first statement of its
    batch. ``platform``: extensions the hosting platform provides (``CREATE EXTENSION IF NOT EXISTS`` of one
    the server lacks is not run and not a failure); None: the Supabase platform's when the database has the
    Supabase base (an ``auth`` schema), else none. With a platform, an extension the files need but none
    creates is created in schema ``extensions`` first and reported in ``assumed`` (see ``assumed``)."""
    started = time.perf_counter()
    mdir, placeholders = substitute_dir(mdir)  # Flyway's ${...}, as Flyway substitutes them
    files = [f for f in mdir.files if f.filename.direction != "down"]
    with connection(url, autocommit=True) as conn:
        conn.add_notice_handler(lambda _diag: None)
        conn.execute("SET check_function_bodies = on")
        if available is None:
            rows = conn.execute("SELECT name FROM pg_catalog.pg_available_extensions").fetchall()
            available = frozenset(str(r[0]) for r in rows)
        if record_history is None:
            row = conn.execute(
                "SELECT to_regclass('supabase_migrations.schema_migrations') IS NOT NULL"
            ).fetchone()
            record_history = mdir.tool is Scheme.SUPABASE and bool(row and row[0])
        if platform is None:
            row = conn.execute("SELECT to_regnamespace('auth') IS NOT NULL").fetchone()
            platform = PLATFORM_EXTENSIONS if row and row[0] else frozenset()
        # on the platform's base, an extension the files use but never create was enabled from the dashboard
        assumed = _assume_enabled(conn, mdir, available) if platform else []
        replayer = _Replayer(
            conn,
            available,
            keep_going=keep_going,
            stand_ins=stand_ins,
            record_history=record_history,
            batch=batch,
            platform=platform,
        )
        replayer.run.stood_in.update(stood_in)
        for ext, schema in sorted(installed_stand_ins(conn).items()):
            if ext not in replayer.run.stood_in:
                replayer.run.stood_in.add(ext)
                replayer.run.stand_ins.append(
                    StandIn(ext, schema, "(base)", 0, stand_in_objects(ext, schema), SPECS[ext].note)
                )
        # every statement of the chain is known up front, so hints can point at files never reached
        per_file = [list(file_units(f)) for f in files]
        bases: list[int] = []
        for units in per_file:
            bases.append(len(replayer.run.units))
            replayer.run.units.extend(units)
        try:
            for index, f in enumerate(files):
                if progress:
                    progress(f.path, index, len(files))
                if f.path in skip_files:
                    replayer.run.outcomes.append(FileOutcome(f.path, "skipped", 0, 0))
                    continue
                if not replayer.apply_file(f, per_file[index], bases[index]):
                    break
        except psycopg.Error as exc:  # the connection itself broke
            last = replayer.run.units[replayer.run.raw[-1].position] if replayer.run.raw else None
            where = f"{last.file}:{last.line}" if last is not None and last.file == f.path else f.path
            raise DatabaseError(f"replay stopped at {where}: {one_line(exc)}") from None
        absent = _absent_platform_schemas(conn) if platform else frozenset()
    run = replayer.run
    done = {o.file for o in run.outcomes}
    outcomes = list(run.outcomes) + [
        FileOutcome(f.path, "not-run", 0, 0) for f in files if f.path not in done
    ]
    outside = left_out_creators(mdir) if any(_MISSING_STATE.get(r.sqlstate) for r in run.raw) else ()
    commented = commented_creators(mdir) if any(_MISSING_STATE.get(r.sqlstate) for r in run.raw) else ()
    failures, skipped = analyse(
        tuple(run.units),
        run.raw,
        frozenset(run.stood_in),
        run.provided,
        outside=outside,
        absent=absent,
        commented=commented,
        tool="drizzle-kit" if mdir.tool == Scheme.DRIZZLE else mdir.tool_name,
        pending_together=mdir.tool == Scheme.DRIZZLE,  # its migrator runs every pending file in one
    )
    units = run.units
    provided = tuple(
        Skipped(
            units[p].file,
            units[p].line,
            units[p].first_line,
            f"extension {ext} is provided by the platform (installed on every hosted project); the scratch "
            "server lacks it, so what needs it is skipped",
        )
        for p, ext in sorted(run.provided.items())
    )
    return ReplayResult(
        directory=mdir.root,
        tool=mdir.tool.value,
        files=tuple(outcomes),
        failures=failures,
        stand_ins=tuple(run.stand_ins),
        skipped=skipped,
        history=tuple(run.history),
        supabase_base=False,
        created_roles=tuple(dict.fromkeys(run.created_roles)),
        url=url,
        provided=provided,
        assumed=tuple(assumed),
        seconds=time.perf_counter() - started,
        placeholders=placeholders,
        no_ops=tuple(
            NoOp(units[p].file, units[p].line, units[p].first_line, message, _made(units, message))
            for p, message in run.no_ops
        ),
    )


_CREATES_RELATION = re.compile(r"\s*(?:create|alter)\b", re.IGNORECASE)


def _made(units: list[Unit], notice: str) -> bool:
    """True when a statement of the chain creates (or renames to) the relation a "does not exist, skipping"
    notice names."""
    keys = missing_objects(notice.replace(", skipping", ""))
    return not keys or any(
        key.matches(made)
        for u in units
        if _CREATES_RELATION.match(u.text)
        for made in created_by(u.node, u.text)
        for key in keys
    )


def _absent_platform_schemas(conn: psycopg.Connection) -> frozenset[str]:
    """The schemas of the platform's preinstalled extensions (``vault``, ...) this database lacks."""
    rows = conn.execute(
        "SELECT s FROM unnest(%s::text[]) AS s WHERE to_regnamespace(quote_ident(s)) IS NULL",
        [sorted(PLATFORM_SCHEMAS)],
    ).fetchall()
    return frozenset(str(r[0]) for r in rows)


def needs_supabase_base(mdir: MigrationDir, supabase: bool | None) -> bool:
    if supabase is not None:
        return supabase
    return bool(supabase_reasons(mdir))


def replay_dir(
    mdir: MigrationDir,
    server: ScratchServer,
    *,
    keep_going: bool = False,
    supabase: bool | None = None,
    stand_ins: bool = True,
    keep: bool = False,
    name: str | None = None,
    progress: Progress | None = None,
    skip_files: frozenset[str] = frozenset(),
    batch: bool = False,
) -> ReplayResult:
    """Replay ``mdir`` into a fresh database on ``server``; drop it afterwards unless ``keep``.

    ``supabase``: None installs the Supabase base when the files use Supabase objects; True/False force it.
    The result's ``url`` is the database's URL when kept, else None.
    """
    base = needs_supabase_base(mdir, supabase)
    url = supabase_database(server, name=name) if base else create_database(server, name=name)
    try:
        result = replay_into(
            url,
            mdir,
            keep_going=keep_going,
            stand_ins=stand_ins,
            progress=progress,
            skip_files=skip_files,
            batch=batch,
        )
    except BaseException:
        # the run itself broke (connection lost, interrupted): the database is of no use to anyone
        with contextlib.suppress(Exception):
            drop_database(server, database_name(url))
        raise
    result = replace(result, supabase_base=base, url=url)
    if not keep:
        discard(server, result)
        result = replace(result, url=None)
    return result


def discard(server: ScratchServer, result: ReplayResult) -> None:
    """Drop a kept replay database, and the roles its migrations created (roles belong to the whole
    server: left behind, they would make the next replay's CREATE ROLE fail)."""
    if result.url:
        drop_database(server, database_name(result.url))
    if not result.created_roles:
        return
    with connection(server.admin_url, autocommit=True) as conn:
        for role in result.created_roles:
            try:
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
            except psycopg.Error:
                continue  # still owns objects elsewhere: leave it
