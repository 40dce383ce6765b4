"""What ``apply`` would run, worked out from files alone (pure: no database, no disk).

A *unit* is one transaction: a migration file, or — for a ``consolidate`` output directory — the
consolidation fix followed by the history repair (one transaction, so that the database is never left
between the two). Files that cannot be applied safely are refused here, before anything runs:

* two files with one version (the history table can record only one of them);
* ``BEGIN``/``COMMIT`` anywhere but wrapping the whole file, ``ROLLBACK``, ``SAVEPOINT`` (the runner owns
  the transaction; a ``COMMIT`` inside a file would break the migration boundary);
* a psql meta-command line (``\\restrict <key>``, ``\\set ...``: only psql runs it, the server rejects it);
* statements that cannot run in a transaction (``CREATE INDEX CONCURRENTLY``, ``VACUUM``, ...) unless the
  file says ``-- pgconsolidate: no-transaction``; such a file's statements then run one by one in
  autocommit and its history row is written after the last one — write them idempotently
  (``IF NOT EXISTS``), since a crash in the middle re-runs the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pgconsolidate.errors import InputError
from pgconsolidate.sources.model import MigrationDir, MigrationFile
from pgconsolidate.statements.psql import is_meta_command_hint
from pgconsolidate.statements.split import split_sql

NO_TRANSACTION = re.compile(r"^\s*--\s*pgconsolidate:\s*no-transaction\b", re.MULTILINE | re.IGNORECASE)
_OPENERS = {"TRANS_STMT_BEGIN", "TRANS_STMT_START"}
_CLOSERS = {"TRANS_STMT_COMMIT"}


#: Statements whose parse trees a step does not keep (they can be large; no right is derived from them).
DATA_KINDS = frozenset(
    {"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "SelectStmt", "CopyStmt", "DoStmt"}
)


@dataclass(frozen=True)
class SqlStep:
    """One statement (or a whole file when it could not be split) and where it starts; ``kind`` and
    ``node``: the statement's parse tree type and tree as the split made them (``deploy.rights`` reads
    them; ``node`` is None for :data:`DATA_KINDS` and when the file was not split)."""

    path: str
    line: int
    text: str
    node: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    kind: str = ""


@dataclass(frozen=True)
class Unit:
    """One transaction of the apply."""

    version: str
    name: str
    paths: tuple[str, ...]
    steps: tuple[SqlStep, ...]
    transactional: bool = True
    history_statements: tuple[str, ...] = ()
    record_history: bool = True  # False: the unit's own SQL writes the history (history_repair.sql)


def _txn_kind(node: dict[str, object]) -> str | None:
    body = node.get("TransactionStmt")
    return str(body.get("kind")) if isinstance(body, dict) else None


def _needs_autocommit(node: dict[str, object]) -> str | None:
    kind, body = next(iter(node.items()))
    b = body if isinstance(body, dict) else {}
    if kind == "IndexStmt" and b.get("concurrent"):
        return "CREATE INDEX CONCURRENTLY"
    if kind == "DropStmt" and b.get("concurrent"):
        return "DROP INDEX CONCURRENTLY"
    if kind == "ReindexStmt" and any(
        isinstance(p, dict) and p.get("DefElem", {}).get("defname") == "concurrently"
        for p in b.get("params", []) or []
    ):
        return "REINDEX CONCURRENTLY"
    names = {
        "VacuumStmt": "VACUUM",
        "CreatedbStmt": "CREATE DATABASE",
        "DropdbStmt": "DROP DATABASE",
        "AlterSystemStmt": "ALTER SYSTEM",
        "CreateTableSpaceStmt": "CREATE TABLESPACE",
        "DropTableSpaceStmt": "DROP TABLESPACE",
        "CreateSubscriptionStmt": "CREATE SUBSCRIPTION",
    }
    return names.get(kind)


def file_unit(f: MigrationFile) -> Unit:
    """The unit of one migration file; :class:`InputError` when it cannot be applied safely."""
    if f.text is None or any(p.kind in ("encoding", "nul-byte", "unreadable") for p in f.problems):
        problem = f.problems[0] if f.problems else None
        where = f"{f.path}:{problem.line}" if problem else f.path
        raise InputError(f"{where}: cannot apply: {problem.message if problem else 'unreadable'}")
    text = f.forward_sql
    marked = bool(NO_TRANSACTION.search(text))
    fs = split_sql(f.path, text, first_line=f.span_line)
    meta = next((p for p in fs.failures if is_meta_command_hint(p.message)), None)
    if meta is not None:  # the server rejects it: refused before the backup, in analyze's and replay's words
        raise InputError(f"{f.path}:{meta.line}: cannot apply: {meta.message}")
    if fs.failures:
        # PostgreSQL decides; the file still runs as one statement batch inside its transaction.
        whole = (SqlStep(f.path, f.span_line, text),) if text.strip() else ()
        return Unit(f.version, f.name, (f.path,), whole, True, (text,) if text.strip() else ())
    stmts = list(fs.statements)
    if len(stmts) >= 2 and _txn_kind(stmts[0].node) in _OPENERS and _txn_kind(stmts[-1].node) in _CLOSERS:
        stmts = stmts[1:-1]
    steps: list[SqlStep] = []
    autocommit: list[tuple[int, str]] = []
    for s in stmts:
        if s.kind == "TransactionStmt":
            raise InputError(
                f"{f.path}:{s.line}: transaction control ({s.text.strip().split()[0].upper()}) inside the "
                "file: apply runs each file in its own transaction; remove it (a BEGIN/COMMIT pair "
                "around the whole file is accepted)"
            )
        why = _needs_autocommit(s.node)
        if why:
            autocommit.append((s.line, why))
        steps.append(SqlStep(f.path, s.line, s.text, None if s.kind in DATA_KINDS else s.node, s.kind))
    if autocommit and not marked:
        line, why = autocommit[0]
        raise InputError(
            f"{f.path}:{line}: {why} cannot run inside a transaction; mark the file with a line "
            "'-- pgconsolidate: no-transaction' (its statements then run one by one; make them idempotent)"
        )
    return Unit(f.version, f.name, (f.path,), tuple(steps), not marked, tuple(s.text for s in steps))


def pending_units(mdir: MigrationDir, applied: set[str], *, numeric_ceiling: int | None = None) -> list[Unit]:
    """Units for the files of ``mdir`` not yet applied, in the tool's order.

    ``numeric_ceiling`` (golang-migrate) treats every version up to it as applied.
    """
    seen: dict[str, str] = {}
    for f in mdir.files:
        if f.filename.direction != "up":
            continue
        if f.version in seen:
            raise InputError(
                f"{f.path}: version {f.version} is also {seen[f.version]}'s: the history table can record "
                "only one of them; rename one (or run pgconsolidate consolidate)"
            )
        seen[f.version] = f.path
    units: list[Unit] = []
    for f in mdir.files:
        if f.filename.direction != "up" or f.version in applied:
            continue
        if numeric_ceiling is not None and f.version.isdigit() and int(f.version) <= numeric_ceiling:
            continue
        units.append(file_unit(f))
    return units
