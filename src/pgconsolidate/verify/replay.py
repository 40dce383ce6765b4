"""Replay SQL files into a scratch database (I/O).

``replay_chain`` is the minimum ``consolidate`` and ``verify`` need: the Supabase base, then every file in
the owning tool's order, each file in its own transaction and each statement under a savepoint so a
failing statement is recorded and the rest of the file continues (what a hand-built production database
looks like). ``run_script`` runs one generated file as a whole and fails loudly.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from pgconsolidate.db.connect import connection, one_line
from pgconsolidate.errors import DatabaseError
from pgconsolidate.scratch.supabase import install_supabase_base
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.statements.split import split_sql


@dataclass(frozen=True)
class ReplayFailure:
    file: str
    line: int
    sqlstate: str
    message: str


def replay_chain(
    url: str, mdir: MigrationDir, *, skip_files: frozenset[str] = frozenset()
) -> tuple[ReplayFailure, ...]:
    """Install the Supabase base into ``url`` and replay ``mdir``'s files (statements that fail are
    skipped and returned)."""
    install_supabase_base(url)
    failures: list[ReplayFailure] = []
    with connection(url, autocommit=True) as conn:
        for f in mdir.files:
            if f.path in skip_files or f.text is None:
                continue
            split = split_sql(f.path, f.forward_sql, first_line=f.span_line)
            items = [(s.line, s.text) for s in split.statements] + [(p.line, p.text) for p in split.failures]
            items.sort(key=lambda it: it[0])
            conn.execute("BEGIN")
            for line, text in items:
                conn.execute("SAVEPOINT pgc_stmt")
                try:
                    conn.execute(text.encode("utf-8"))
                    conn.execute("RELEASE SAVEPOINT pgc_stmt")
                except psycopg.Error as exc:
                    conn.execute("ROLLBACK TO SAVEPOINT pgc_stmt")
                    failures.append(ReplayFailure(f.path, line, exc.sqlstate or "", one_line(exc)))
            conn.execute("COMMIT")
    return tuple(failures)


def run_script(url: str, text: str, what: str) -> None:
    """Run a generated SQL file (which manages its own transactions) as one simple query."""
    with connection(url, autocommit=True) as conn:
        try:
            conn.execute(text.encode("utf-8"))
        except psycopg.Error as exc:
            raise DatabaseError(f"{what} failed: {one_line(exc)}") from None


def replay_files(url: str, files: list[tuple[str, str]], *, base: bool = True) -> None:
    """Install the Supabase base (when ``base``) and run each (name, text) in its own transaction;
    the first failure raises :class:`DatabaseError` naming the file."""
    if base:
        install_supabase_base(url)
    with connection(url, autocommit=True) as conn:
        for name, text in files:
            try:
                conn.execute(b"BEGIN")
                conn.execute(text.encode("utf-8"))
                conn.execute(b"COMMIT")
            except psycopg.Error as exc:
                conn.execute(b"ROLLBACK")
                raise DatabaseError(f"{name}: {one_line(exc)}") from None
