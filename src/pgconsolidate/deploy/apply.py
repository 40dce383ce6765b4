"""The apply runner: pending units, each in its own transaction, behind a verified backup and a lock.

Order of events (nothing is changed before step 5):

1. the source is read and every unit worked out (files that cannot be applied safely are refused);
   the rights the pending units certainly need (``deploy.rights``) are checked: a missing one is a
   one-line error before any backup or lock;
2. the database must not be a standby; the advisory lock is taken (or a clear error after the timeout);
3. pending units are computed from the history table *under the lock*;
4. a verified backup is taken (or ``--backup FILE`` is checked: manifest, sha256, verification, database);
5. each unit runs in one transaction: ``SET LOCAL lock_timeout / statement_timeout``, the history table
   created if absent, the statements, the history row, ``COMMIT``. A crash or kill at any moment leaves
   the database at a unit boundary; the next apply starts at the first unit not in the history table.

A failing statement rolls back its unit (history untouched) and stops the run with the file:line.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

from pgconsolidate.db.connect import connect, connection, one_line
from pgconsolidate.deploy import dbinfo, history_table, rights
from pgconsolidate.deploy.backup import Backup, take_backup
from pgconsolidate.deploy.baseline import run_baseline, write_baseline
from pgconsolidate.deploy.lock import advisory_lock
from pgconsolidate.deploy.manifest import read_manifest, verify_file
from pgconsolidate.deploy.source import ApplySource
from pgconsolidate.deploy.units import Unit, pending_units
from pgconsolidate.errors import EXIT_FOUND, DatabaseError, InputError
from pgconsolidate.redact import redact_text

Step = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class ApplyOptions:
    lock_timeout: str = "5s"  # SET LOCAL lock_timeout of each unit
    statement_timeout: str = "0"  # SET LOCAL statement_timeout of each unit (0: none)
    wait: float = 30.0  # seconds to wait for the advisory lock
    dry_run: bool = False
    backup_file: Path | None = None
    backup_dir: Path | None = None
    scratch_url: str | None = None


@dataclass
class ApplyResult:
    history: str
    pending: list[Unit]
    applied: list[Unit] = field(default_factory=list)
    backup: Backup | None = None
    backup_note: str = ""
    failed: str | None = None
    baseline: Path | None = None  # the database checks before the apply (``deploy.baseline``)
    baseline_note: str = ""
    history_notes: list[str] = field(default_factory=list)  # a failed migration the consolidation replaces


def _consolidation_target(source: ApplySource) -> history_table.HistoryTarget:
    """The history table of the tool a consolidate output was made for (its history_repair.sql writes it).
    A tool whose history apply does not write (Flyway) keeps the table the manifest names."""
    try:
        target = history_table.target_for(source.tool)
        if source.tool in ("sqlx", "diesel") and source.history_table:  # the table the plan named
            schema, _, table = source.history_table.partition(".")
            target = history_table.HistoryTarget(source.tool, schema, table)
        return target
    except InputError:
        schema, _, table = (source.history_table or f"public.{source.tool}_schema_history").partition(".")
        return history_table.HistoryTarget(source.tool, schema, table)


def _pending(conn: psycopg.Connection, source: ApplySource) -> tuple[history_table.HistoryTarget, list[Unit]]:
    if source.consolidation is not None:
        target = _consolidation_target(source)
        unit = source.consolidation
        applied = history_table.applied_versions(conn, target)
        done = unit.version in applied or bool(source.clean_versions and source.clean_versions[-1] in applied)
        return target, [] if done else [unit]
    target = history_table.target_for(source.tool)
    applied = history_table.applied_versions(conn, target)
    assert source.migrations is not None
    ceiling = None
    if target.tool == "golang-migrate":
        cur = history_table.golang_current(conn, target)
        if cur and cur[1]:
            raise DatabaseError(
                f"{target.display} is dirty at version {cur[0]}: fix it by hand first (golang-migrate force)"
            )
        ceiling = cur[0] if cur else None
    return target, pending_units(source.migrations, applied, numeric_ceiling=ceiling)


def check_given_backup(path: Path, database: str, fingerprint: str) -> tuple[Backup, str]:
    """A ``--backup FILE`` must have a manifest, the right sha256, a passed verification, this database."""
    manifest_file = (
        path
        if path.name.endswith(".manifest.json")
        else path.with_name(path.name.removesuffix(".dump") + ".manifest.json")
    )
    manifest = read_manifest(manifest_file)
    problems = verify_file(manifest_file, manifest)
    if problems:
        raise InputError(f"--backup {path}: {problems[0]}")
    if not manifest.verification.ok:
        raise InputError(f"--backup {path}: this backup did not pass verification; take a new one")
    if manifest.database != database:
        raise InputError(
            f"--backup {path}: it is a backup of database {manifest.database!r}, not {database!r}"
        )
    note = ""
    if manifest.catalog_fingerprint != fingerprint:
        note = (
            f"the schema changed since the backup of {manifest.created_at} (e.g. an interrupted apply); "
            "rollback returns to that backup"
        )
    return Backup(manifest_file, manifest), note


def _run_unit(url: str, unit: Unit, target: history_table.HistoryTarget, opts: ApplyOptions) -> None:
    conn = connect(url, autocommit=not unit.transactional)
    current = unit.steps[0] if unit.steps else None
    try:
        if unit.transactional:
            with conn.transaction():
                conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(opts.lock_timeout)))
                conn.execute(
                    sql.SQL("SET LOCAL statement_timeout = {}").format(sql.Literal(opts.statement_timeout))
                )
                if unit.record_history or target.tool in history_table.WRITTEN:
                    history_table.ensure_table(conn, target)
                for s in unit.steps:
                    current = s
                    conn.execute(s.text.encode("utf-8"))
                current = None
                if unit.record_history:
                    history_table.record(conn, target, unit.version, unit.name, list(unit.history_statements))
        else:
            conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(opts.lock_timeout)))
            conn.execute(sql.SQL("SET statement_timeout = {}").format(sql.Literal(opts.statement_timeout)))
            for s in unit.steps:
                current = s
                conn.execute(s.text.encode("utf-8"))
            current = None
            with conn.transaction():
                history_table.ensure_table(conn, target)
                history_table.record(conn, target, unit.version, unit.name, list(unit.history_statements))
    except psycopg.Error as exc:
        where = f"{current.path}:{current.line}" if current else unit.paths[0]
        message = one_line(exc)
        if getattr(exc, "sqlstate", None) == "55P03":
            message += (
                f" (a table stayed locked past lock_timeout {opts.lock_timeout}; retry when it is free)"
            )
        rolled = "rolled back, history untouched" if unit.transactional else "NOT in a transaction"
        raise DatabaseError(f"{where}: {redact_text(message)} ({rolled})", exit_code=EXIT_FOUND) from None
    finally:
        conn.close()


def refuse_missing_rights(url: str, source: ApplySource) -> bool:
    """A one-line :class:`DatabaseError` when the connected role lacks a right the pending units
    certainly need (``deploy.rights``); otherwise whether anything is pending (read without the lock)."""
    with connection(url, autocommit=True) as conn:
        target, early = _pending(conn, source)
        history = rights.History(
            target.schema,
            target.table,
            ensured_always=target.tool in history_table.WRITTEN,
            deletes=target.tool == "golang-migrate",
        )
        refusal = rights.missing_right(conn, rights.needs_of(early, history))
    if refusal is not None:
        raise DatabaseError(refusal)
    return bool(early)


def apply(url: str, source: ApplySource, opts: ApplyOptions, *, step: Step = _quiet) -> ApplyResult:
    """Apply the pending units of ``source`` to ``url`` (see the module docstring for the guarantees)."""
    facts = dbinfo.server_facts(url)
    dbinfo.refuse_recovery(facts, url)
    if opts.dry_run:
        with connection(url, autocommit=True) as conn:
            target, pending = _pending(conn, source)
            notes = history_table.state_notes(conn, target) if source.consolidation and pending else []
        return ApplyResult(target.display, pending, history_notes=notes)
    # the database checks as they stand before the apply (``deploy.baseline``), when something is pending:
    # run before the lock, so that the lock is held only while the apply runs
    maybe = refuse_missing_rights(url, source)
    before, before_note = run_baseline(url) if maybe else (None, "")
    with advisory_lock(url, timeout=opts.wait):
        with connection(url, autocommit=True) as conn:
            target, pending = _pending(conn, source)
            notes = history_table.state_notes(conn, target) if source.consolidation and pending else []
        result = ApplyResult(target.display, pending, history_notes=notes)
        if not pending:
            return result
        if opts.backup_file is not None:
            step("checking the given backup")
            try:
                fp = dbinfo.fingerprint(dbinfo.catalog_snapshot(url, lock_timeout=opts.lock_timeout))
            except DatabaseError:
                fp = ""  # a table is locked: compared below as "changed", the apply decides
            result.backup, result.backup_note = check_given_backup(opts.backup_file, facts.database, fp)
        else:
            result.backup = take_backup(
                url, out_dir=opts.backup_dir, scratch_url=opts.scratch_url, purpose="before-apply", step=step
            )
            if not result.backup.manifest.verification.ok:
                problems = "; ".join(result.backup.manifest.verification.problems[:3])
                raise DatabaseError(
                    f"the backup {result.backup.dump_file} did not verify ({problems}): nothing was applied"
                )
        if before is not None:
            result.baseline = write_baseline(before, result.backup.manifest_file)
        else:
            result.baseline_note = before_note or "baseline not recorded: nothing was pending before the lock"
        for unit in pending:
            step(f"applying {', '.join(unit.paths)}")
            started = time.monotonic()
            try:
                _run_unit(url, unit, target, opts)
            except DatabaseError as exc:
                result.failed = exc.message
                break
            result.applied.append(unit)
            step(f"applied {', '.join(unit.paths)} in {time.monotonic() - started:.2f}s")
        return result
