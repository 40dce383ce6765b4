"""The proof's replays, through the one replay engine (``replay.runner``) (I/O).

The old chain (b) and the clean set (a) are replayed exactly as ``pgconsolidate replay`` replays them:
the owning tool's transaction semantics (each file one transaction, each statement under a savepoint so
that every failing statement is recorded and the rest of the file continues, as in a database that was
maintained by hand), the Supabase base when the files use Supabase objects, and stand-ins for the
extensions the scratch server lacks (uuid-ossp and pgcrypto compute, http and pg_net raise when called).

Stand-in objects are not the user's: snapshots are read without them (``without_objects``), on both sides
of every comparison alike. ``run_script`` runs one generated file (the consolidation fix, which manages
its own transaction) and fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import psycopg

from pgconsolidate.catalog.model import Snapshot
from pgconsolidate.catalog.reader import read_snapshot
from pgconsolidate.db.connect import connection, one_line
from pgconsolidate.errors import DatabaseError
from pgconsolidate.plan.facts import DataFacts
from pgconsolidate.replay.model import ReplayResult, StandIn
from pgconsolidate.replay.runner import discard, replay_dir, replay_into
from pgconsolidate.replay.snapshot import without_objects
from pgconsolidate.scratch.server import ScratchServer
from pgconsolidate.scratch.supabase import PREINSTALLED
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.sources.reader import read_dir


def stand_in_names(stand_ins: tuple[StandIn, ...] | list[StandIn]) -> frozenset[str]:
    """``schema.name`` (and schema names) of every object the stand-ins created."""
    return frozenset(o for s in stand_ins for o in s.objects)


def snapshot_without(url: str, stand_ins: tuple[StandIn, ...] | list[StandIn]) -> Snapshot:
    """The catalog of ``url`` without the stand-ins' objects."""
    return without_objects(read_snapshot(url), stand_in_names(stand_ins))


def facts_without(facts: DataFacts, stand_ins: tuple[StandIn, ...] | list[StandIn]) -> DataFacts:
    """``facts`` without the stand-ins' functions."""
    names = stand_in_names(stand_ins)
    return replace(
        facts, functions=tuple(f for f in facts.functions if f.identity.split("(", 1)[0] not in names)
    )


@dataclass(frozen=True)
class StoodIn:
    """An extension a replay or the live copy stood in for: where, and whether the user asked for it
    (False when the Supabase base provides it, as a hosted project does)."""

    extension: str
    schema: str
    note: str
    requested: bool
    objects: tuple[str, ...]


def stood_in(stand_ins: tuple[StandIn, ...] | list[StandIn], supabase: bool) -> list[StoodIn]:
    out: list[StoodIn] = []
    for s in stand_ins:
        by_base = supabase and s.extension in PREINSTALLED and s.schema == "extensions"
        out.append(StoodIn(s.extension, s.schema, s.note, not by_base and s.file != "(base)", s.objects))
    return out


@contextmanager
def replayed_chain(
    server: ScratchServer, mdir: MigrationDir, *, supabase: bool | None = None
) -> Iterator[ReplayResult]:
    """The old chain replayed with keep-going into a database that is dropped afterwards (with the roles
    its migrations created); yields the result (its ``url`` is the database). ``supabase``: install the
    Supabase base (None: when the files use Supabase objects, as ``replay`` decides)."""
    result = replay_dir(mdir, server, keep_going=True, supabase=supabase, keep=True)
    try:
        yield result
    finally:
        discard(server, result)


@contextmanager
def replayed_clean(server: ScratchServer, clean_dir: str, *, supabase: bool) -> Iterator[ReplayResult]:
    """The clean set replayed twice (the second run must be harmless) on an empty database (with the
    Supabase base when the old chain had it). A failure raises :class:`DatabaseError`. The files are
    generated and expected to apply, so consecutive statements go to the server in one query (``batch``)."""
    mdir = read_dir(clean_dir)
    result = replay_dir(mdir, server, supabase=supabase, keep=True, batch=True)
    try:
        if result.failures:  # find the exact statement: the same replay, one statement at a time
            _fail_loudly(replay_dir(mdir, server, supabase=supabase), "the clean set")
        _fail_loudly(result, "the clean set")
        assert result.url is not None
        again = replay_into(result.url, mdir, record_history=False, batch=True)
        _fail_loudly(again, "the clean set (second run)")
        yield result
    finally:
        discard(server, result)


def _fail_loudly(result: ReplayResult, what: str) -> None:
    bad = result.failures
    if bad:
        first = "; ".join(f"{f.file}:{f.line}: {f.message}" for f in bad[:3])
        raise DatabaseError(f"{what} failed to replay ({len(bad)} statements): {first}")


def run_script(url: str, text: str, what: str) -> None:
    """Run a generated SQL file (which manages its own transactions) as one simple query."""
    with connection(url, autocommit=True) as conn:
        try:
            conn.execute(text.encode("utf-8"))
        except psycopg.Error as exc:
            raise DatabaseError(f"{what} failed: {one_line(exc)}") from None
