"""Build a "production" database for a migrations directory (I/O).

A production database that was maintained by hand got its state like this, and so does this one:

1. a Supabase-like base (roles, ``auth`` with ``auth.users`` and ``auth.uid()``, schemas ``extensions``
   and ``storage``, Supabase's default ``search_path``);
2. extensions enabled from the dashboard before any migration ran: ``vector`` in schema ``extensions``
   (which is why files that use ``vector`` before creating it worked in production), and ``http`` and
   ``pg_net`` as stand-ins when the server lacks them (their functions raise when called);
3. every migration file, statement by statement, failures skipped and recorded (the replay engine with
   keep-going), with history rows in ``supabase_migrations.schema_migrations`` for the files that applied;
4. realistic data generated server-side (``sql/production_data.sql``), written with triggers disabled
   the way a bulk import runs (the ``pg_net`` webhook trigger would otherwise fire).
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql

from pgconsolidate.db.connect import connection, load_sql
from pgconsolidate.errors import DatabaseError, InputError
from pgconsolidate.replay.model import ReplayFailure, ReplayResult, StandIn
from pgconsolidate.replay.runner import available_extensions, replay_into
from pgconsolidate.scratch.databases import drop_database
from pgconsolidate.scratch.server import ScratchServer
from pgconsolidate.scratch.standins import SPECS, install_stand_in, stand_in_objects
from pgconsolidate.scratch.supabase import install_supabase_base, supabase_database
from pgconsolidate.sources.reader import read_dir

DEFAULT_NAME = "pgc_demo_production"
DASHBOARD_EXTENSIONS = ("vector", "http", "pg_net")


@dataclass(frozen=True)
class ProductionDb:
    """The built database: its URL, what the dashboard enabled, the replay's failures and the data."""

    url: str
    name: str
    dashboard: tuple[str, ...]
    stand_ins: tuple[StandIn, ...]
    replay: ReplayResult
    row_counts: tuple[tuple[str, int], ...]
    overlapping_ids: int
    dimensions: tuple[tuple[str, int, int], ...]  # (table, dimension, rows)
    definers: int
    history_rows: int

    @property
    def failures(self) -> tuple[ReplayFailure, ...]:
        return self.replay.failures


def _dashboard(url: str, available: frozenset[str]) -> tuple[tuple[str, ...], tuple[StandIn, ...]]:
    """Enable the dashboard's extensions in schema ``extensions`` (stand-ins where unavailable)."""
    enabled: list[str] = []
    stand_ins: list[StandIn] = []
    with connection(url, autocommit=True) as conn:
        for ext in DASHBOARD_EXTENSIONS:
            if ext in available:
                conn.execute(
                    sql.SQL("CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA extensions").format(
                        sql.Identifier(ext)
                    )
                )
                enabled.append(ext)
            elif ext in SPECS:
                with conn.transaction():
                    schema = install_stand_in(conn, ext, "extensions")
                stand_ins.append(
                    StandIn(ext, schema, "(dashboard)", 0, stand_in_objects(ext, schema), SPECS[ext].note)
                )
                enabled.append(f"{ext} (stand-in)")
    return tuple(enabled), tuple(stand_ins)


def _facts(url: str) -> tuple[tuple[tuple[str, int], ...], int, tuple[tuple[str, int, int], ...], int, int]:
    with connection(url, autocommit=True) as conn:
        rows = conn.execute(load_sql("pgconsolidate.demo.sql", "summary.sql")).fetchall()
    counts = tuple((str(r[1]), int(r[2])) for r in rows if r[0] == "count")
    overlap = next((int(r[2]) for r in rows if r[0] == "overlap"), 0)
    dims = tuple(
        (str(r[1]).split(":")[0], int(str(r[1]).split(":")[1]), int(r[2])) for r in rows if r[0] == "dims"
    )
    definers = next((int(r[2]) for r in rows if r[0] == "definers"), 0)
    history = next((int(r[2]) for r in rows if r[0] == "history"), 0)
    return counts, overlap, dims, definers, history


def populate(url: str, migrations_dir: str, *, name: str, data: bool = True) -> ProductionDb:
    """Turn the database at ``url`` (which already holds the Supabase base) into the production."""
    mdir = read_dir(migrations_dir)
    available = available_extensions(url)
    enabled, stand_ins = _dashboard(url, available)
    result = replay_into(
        url,
        mdir,
        keep_going=True,
        record_history=True,
        available=available,
        stood_in=frozenset(s.extension for s in stand_ins),
    )
    if data:
        try:
            with connection(url, autocommit=True) as conn:
                conn.execute(load_sql("pgconsolidate.demo.sql", "production_data.sql").encode())
        except DatabaseError as exc:
            raise DatabaseError(f"generating the production data failed: {exc.message}") from None
    counts, overlap, dims, definers, history = _facts(url)
    return ProductionDb(
        url=url,
        name=name,
        dashboard=enabled,
        stand_ins=stand_ins,
        replay=result,
        row_counts=counts,
        overlapping_ids=overlap,
        dimensions=dims,
        definers=definers,
        history_rows=history,
    )


def build_production_db(
    server: ScratchServer, migrations_dir: str, *, name: str = DEFAULT_NAME, data: bool = True
) -> ProductionDb:
    """(Re)create database ``name`` on ``server`` as the production of ``migrations_dir``."""
    read_dir(migrations_dir)  # bad input fails before anything is dropped
    drop_database(server, name)
    url = supabase_database(server, name=name)
    return populate(url, migrations_dir, name=name, data=data)


def build_production_into(url: str, migrations_dir: str, *, data: bool = True) -> ProductionDb:
    """Build the production in the existing database at ``url``, which must be empty (no tables or
    functions outside the system schemas): a database that holds anything is never touched."""
    read_dir(migrations_dir)
    with connection(url, autocommit=True) as conn:
        row = conn.execute(load_sql("pgconsolidate.demo.sql", "user_objects.sql")).fetchone()
        name = conn.info.dbname
    if row and int(row[0]):
        raise InputError(
            f"database {name} is not empty ({int(row[0])} tables or functions): demo-db builds only into an "
            "empty database"
        )
    install_supabase_base(url)
    return populate(url, migrations_dir, name=name, data=data)
