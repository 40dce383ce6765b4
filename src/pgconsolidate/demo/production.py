"""Build a "production" database for a migrations directory (I/O).

A production database that was maintained by hand got its state like this, and so does this one:

1. a Supabase-like base (roles, ``auth`` with ``auth.users`` and ``auth.uid()``, schemas ``extensions``
   and ``storage``, Supabase's default ``search_path``);
2. extensions enabled from the dashboard before any migration ran: ``vector`` in schema ``extensions``
   (which is why files that use ``vector`` before creating it worked in production), and ``http`` and
   ``pg_net`` as stand-ins when the server lacks them (their functions raise when called); only those the
   files name, and not one that a file creates with a plain ``CREATE EXTENSION``, which would have failed in
   production had the dashboard enabled it first;
3. every migration file, statement by statement, failures skipped and recorded (the replay engine with
   keep-going), with history rows for the files that applied in the history table of the tool that owns
   the directory (``supabase_migrations.schema_migrations``, dbmate's or golang-migrate's
   ``schema_migrations``, goose's ``goose_db_version``, Flyway's ``flyway_schema_history``; none for plain
   numbered files: :mod:`pgconsolidate.demo.history`);
4. realistic data generated server-side (``sql/production_data.sql``), written with triggers disabled
   the way a bulk import runs (the ``pg_net`` webhook trigger would otherwise fire). The data is the bundled
   example's: for another directory, whose tables it does not fit, it is left out and the result says so.

A build is all or nothing: when it fails (a statement that breaks the replay, the data), the database it
created is dropped, or, built into an existing empty database, everything it added is undone
(:mod:`pgconsolidate.demo.undo`); the error names the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import Connection, sql

from pgconsolidate.db.connect import connection, load_sql, one_line
from pgconsolidate.demo.history import prepare_history, write_history
from pgconsolidate.demo.undo import capture, undo
from pgconsolidate.errors import DatabaseError, InputError, PgcError
from pgconsolidate.replay.assumed import uncreated_needs
from pgconsolidate.replay.model import ReplayFailure, ReplayResult, StandIn
from pgconsolidate.replay.runner import available_extensions, needs_supabase_base, replay_into
from pgconsolidate.scratch.databases import create_database, drop_database
from pgconsolidate.scratch.server import ScratchServer
from pgconsolidate.scratch.standins import SPECS, install_stand_in, stand_in_objects
from pgconsolidate.scratch.supabase import base_sql, install_supabase_base, supabase_database
from pgconsolidate.sources.model import MigrationDir
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.statements.split import split_sql

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
    data_note: str | None = None  # why no data was generated (another directory than the example's)
    history_table: str | None = None  # schema.table of the owning tool's history (None: plain numbered)

    @property
    def failures(self) -> tuple[ReplayFailure, ...]:
        return self.replay.failures


def dashboard_wanted(mdir: MigrationDir) -> frozenset[str]:
    """The dashboard's extensions (``DASHBOARD_EXTENSIONS``) the production of ``mdir`` had before its files
    ran (pure): those the files create with ``CREATE EXTENSION IF NOT EXISTS`` or use without creating, but
    not one a file creates with a plain ``CREATE EXTENSION``, which fails on a database that already has it
    (enabled first, that statement failed and its file was left out of the history: seen on a real Supabase
    chat app whose first file runs ``create extension http`` and ``create extension vector``), nor one the
    files never name (enabled anyway, ``vector`` showed as drift in ``inspect --against`` of a project that
    never used it, and ``pg_net`` went into its clean set)."""
    created: set[str] = set()
    plainly: set[str] = set()
    for f in mdir.files:
        if f.filename.direction == "down" or not f.forward_sql or "extension" not in f.forward_sql.lower():
            continue
        for st in split_sql(f.path, f.forward_sql, first_line=f.span_line).statements:
            if st.kind == "CreateExtensionStmt":
                name = str(st.body.get("extname", ""))
                created.add(name)
                if not st.body.get("if_not_exists"):
                    plainly.add(name)
    used = {a.extension for a in uncreated_needs(mdir)}
    return frozenset(e for e in DASHBOARD_EXTENSIONS if e in (created | used) and e not in plainly)


def _dashboard(
    url: str, available: frozenset[str], wanted: frozenset[str]
) -> tuple[tuple[str, ...], tuple[StandIn, ...]]:
    """Enable the dashboard's extensions in ``wanted`` (:func:`dashboard_wanted`) in schema ``extensions``
    (stand-ins where unavailable)."""
    enabled: list[str] = []
    stand_ins: list[StandIn] = []
    with connection(url, autocommit=True) as conn:
        for ext in DASHBOARD_EXTENSIONS:
            if ext not in wanted:
                continue
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


DATA_SQL = "production_data.sql"


def data_statements() -> list[tuple[int, str, str | None]]:
    """(line, text, table written) of each statement of the example's data script."""
    out: list[tuple[int, str, str | None]] = []
    text = load_sql("pgconsolidate.demo.sql", DATA_SQL)
    for st in split_sql(DATA_SQL, text).statements:
        table = None
        if st.kind == "InsertStmt":
            rel = st.body.get("relation", {})
            table = f"{rel.get('schemaname', 'public')}.{rel.get('relname', '')}"
        out.append((st.line, st.text, table))
    return out


def _missing_tables(url: str, tables: list[str]) -> list[str]:
    with connection(url, autocommit=True) as conn:
        return [
            t
            for t in tables
            if not (row := conn.execute("SELECT to_regclass(%s) IS NOT NULL", (t,)).fetchone()) or not row[0]
        ]


def generate_data(url: str) -> str | None:
    """Generate the example's data, statement by statement (a failure names its line); returns why no data
    was generated, when the tables it writes are not there (a directory other than the example's)."""
    statements = data_statements()
    missing = _missing_tables(url, sorted({t for _, _, t in statements if t}))
    if missing:
        return (
            "no data generated: the demo data is the bundled example's, and this database lacks "
            + ", ".join(missing)
        )
    with connection(url, autocommit=True) as conn:
        for line, text, _ in statements:
            try:
                conn.execute(text.encode())
            except Exception as exc:  # psycopg errors: the build is undone by the caller
                raise DatabaseError(
                    f"generating the production data failed at {DATA_SQL}:{line}: {one_line(exc)}"
                ) from None
    return None


def _facts(url: str) -> tuple[tuple[tuple[str, int], ...], int, tuple[tuple[str, int, int], ...], int, int]:
    with connection(url, autocommit=True) as conn:
        if _missing_tables(url, ["auth.users", "public.memories", "public.ai_memories", "public.agents"]):
            return (), 0, (), *_generic_facts(conn)
        rows = conn.execute(load_sql("pgconsolidate.demo.sql", "summary.sql")).fetchall()
    counts = tuple((str(r[1]), int(r[2])) for r in rows if r[0] == "count")
    overlap = next((int(r[2]) for r in rows if r[0] == "overlap"), 0)
    dims = tuple(
        (str(r[1]).split(":")[0], int(str(r[1]).split(":")[1]), int(r[2])) for r in rows if r[0] == "dims"
    )
    definers = next((int(r[2]) for r in rows if r[0] == "definers"), 0)
    history = next((int(r[2]) for r in rows if r[0] == "history"), 0)
    return counts, overlap, dims, definers, history


def wants_base(mdir: MigrationDir) -> bool:
    """Whether the production of ``mdir`` is a Supabase project (the base, the dashboard's extensions):
    the same test ``replay`` and ``inspect --against`` use, so that a directory of another tool that uses
    nothing of Supabase gets a plain database and no drift from a platform it never ran on."""
    return needs_supabase_base(mdir, None)


def populate(url: str, migrations_dir: str, *, name: str, data: bool = True) -> ProductionDb:
    """Turn the database at ``url`` (which already holds the Supabase base when :func:`wants_base`) into
    the production."""
    mdir = read_dir(migrations_dir)
    available = available_extensions(url)
    enabled, stand_ins = _dashboard(url, available, dashboard_wanted(mdir)) if wants_base(mdir) else ((), ())
    prepare_history(url, mdir)
    result = replay_into(
        url,
        mdir,
        keep_going=True,
        record_history=None,  # the Supabase CLI's table, written by the replay, only for its directories
        available=available,
        stood_in=frozenset(s.extension for s in stand_ins),
    )
    history = write_history(url, mdir, result)
    note = generate_data(url) if data else None
    counts, overlap, dims, definers, _ = _facts(url)
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
        history_rows=history.rows,
        data_note=note,
        history_table=history.table,
    )


def build_production_db(
    server: ScratchServer, migrations_dir: str, *, name: str = DEFAULT_NAME, data: bool = True
) -> ProductionDb:
    """(Re)create database ``name`` on ``server`` as the production of ``migrations_dir``."""
    mdir = read_dir(migrations_dir)  # bad input fails before anything is dropped
    drop_database(server, name)
    url = supabase_database(server, name=name) if wants_base(mdir) else create_database(server, name=name)
    try:
        return populate(url, migrations_dir, name=name, data=data)
    except BaseException as exc:  # an interrupt too: never leave a half-built database
        drop_database(server, name)
        if isinstance(exc, PgcError):
            raise type(exc)(
                f"{exc.message} (database {name} was not created)", exit_code=exc.exit_code
            ) from None
        raise


def build_production_into(url: str, migrations_dir: str, *, data: bool = True) -> ProductionDb:
    """Build the production in the existing database at ``url``, which must be empty (no tables or
    functions outside the system schemas): a database that holds anything is never touched."""
    mdir = read_dir(migrations_dir)
    with connection(url, autocommit=True) as conn:
        row = conn.execute(load_sql("pgconsolidate.demo.sql", "user_objects.sql")).fetchone()
        name = conn.info.dbname
    if row and int(row[0]):
        raise InputError(
            f"database {name} is not empty ({int(row[0])} tables or functions): demo-db builds only into an "
            "empty database"
        )
    before = capture(url)
    try:
        if wants_base(mdir):
            install_supabase_base(url)
        return populate(url, migrations_dir, name=name, data=data)
    except BaseException as exc:  # an interrupt too: never leave a half-built database
        try:
            undo(url, before, [base_sql(), *(f.text or "" for f in mdir.files)])
            outcome = f"everything the build added to {name} was removed"
        except PgcError as failed:
            outcome = f"undoing the build in {name} failed too: {failed.message}"
        if isinstance(exc, PgcError):
            raise type(exc)(f"{exc.message} ({outcome})", exit_code=exc.exit_code) from None
        raise


def _generic_facts(conn: Connection[Any]) -> tuple[int, int]:
    """(SECURITY DEFINER functions in public, 0: the history rows are counted by ``write_history``)."""
    row = conn.execute(
        "SELECT count(*) FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n "
        "ON n.oid = p.pronamespace WHERE p.prosecdef AND n.nspname = 'public'"
    ).fetchone()
    return (int(row[0]) if row else 0), 0
