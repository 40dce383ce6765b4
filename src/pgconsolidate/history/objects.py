"""The objects a migration tool made for its own bookkeeping, found in a catalog snapshot (pure).

A database built by goose, dbmate, golang-migrate, Flyway, Prisma, drizzle-kit, Diesel, sqlx or
sql-migrate holds the tool's history table (``goose_db_version``, ``schema_migrations``,
``flyway_schema_history`` or the table ``flyway.table`` names, ``_sqlx_migrations``,
``gorp_migrations``, ...), the sequence its serial key owns, its key's index and constraint, and its
grants. A replay of the files never has them, so every comparison of a live database with its files
would list them as made by hand, a plan would put them in ``live_only`` and a clean set would create
them. They are history, reconciled as such (:mod:`pgconsolidate.history.reconcile`), not schema: this
module names them and takes them out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import fields, replace
from typing import Any

from pgconsolidate.catalog.model import Snapshot

# table name -> the tool that writes it (schema_migrations: Supabase in supabase_migrations, golang-migrate
# when it has a dirty column, dbmate otherwise)
HISTORY_TABLE_NAMES = frozenset(
    {
        "schema_migrations",
        "flyway_schema_history",
        "goose_db_version",
        "_prisma_migrations",
        "__drizzle_migrations",
        "__diesel_schema_migrations",
        "_sqlx_migrations",
        "gorp_migrations",
        "schema_version",
    }
)
#: Flyway's history table has these columns whatever ``flyway.table`` names it (Flyway 3-4's
#: ``schema_version`` has them too, with ``version_rank``).
FLYWAY_COLUMNS = frozenset(
    {
        "installed_rank",
        "version",
        "description",
        "type",
        "script",
        "checksum",
        "installed_by",
        "installed_on",
        "execution_time",
        "success",
    }
)
#: sqlx's ``_sqlx_migrations`` (a sqlx.toml may rename it): exactly these columns.
SQLX_COLUMNS = frozenset({"version", "description", "installed_on", "success", "checksum", "execution_time"})
#: A column every table recognised by its columns alone has (``detect.sql`` looks for it).
SHAPE_COLUMN = "execution_time"


#: The columns each tool's reader (``history/queries/*.sql``) selects: a table with a history table's name
#: but without them (an application's own ``schema_migrations(id, filename, ...)``) is not that tool's.
READ_COLUMNS = {
    "supabase": frozenset({"version"}),
    "dbmate": frozenset({"version"}),
    "golang-migrate": frozenset({"version", "dirty"}),
    "diesel": frozenset({"version"}),
    "tern": frozenset({"version"}),
    "flyway": frozenset(
        {"installed_rank", "version", "description", "type", "script", "checksum", "success"}
    ),
    "goose": frozenset({"id", "version_id", "is_applied"}),
    "prisma": frozenset({"migration_name", "checksum", "finished_at", "rolled_back_at", "started_at"}),
    "drizzle": frozenset({"id", "hash", "created_at"}),
    "sqlx": frozenset({"version", "description", "success", "checksum"}),
    "sql-migrate": frozenset({"id", "applied_at"}),
}


def history_tool(schema: str, name: str, columns: Collection[str]) -> str | None:
    """The tool whose history table ``schema.name`` (with ``columns``) is, or None. Flyway's and sqlx's
    are also recognised by their columns alone, under any name (``flyway.table``, a renamed sqlx table).
    A table with a history table's name that lacks a column the tool's reader selects is not taken for
    one (it is then an ordinary table of the schema)."""
    tool = _tool_by_name_or_shape(schema, name, columns)
    if tool is None or not READ_COLUMNS.get(tool, frozenset()) <= set(columns):
        return None
    return tool


def _tool_by_name_or_shape(schema: str, name: str, columns: Collection[str]) -> str | None:
    if name == "flyway_schema_history":
        return "flyway"
    if name == "goose_db_version":
        return "goose"
    if name == "_prisma_migrations":
        return "prisma"
    if name == "__drizzle_migrations":
        return "drizzle"
    if name == "__diesel_schema_migrations":
        return "diesel"
    if name == "_sqlx_migrations":
        return "sqlx"
    if name == "gorp_migrations" and {"id", "applied_at"} <= set(columns):
        return "sql-migrate"
    if name == "schema_version" and list(columns) == ["version"]:  # Flyway 3-4's has more columns
        return "tern"
    if name == "schema_migrations":
        if schema == "supabase_migrations":
            return "supabase"
        return "golang-migrate" if "dirty" in columns else "dbmate"
    if SHAPE_COLUMN in columns:
        have = set(columns)
        if have >= FLYWAY_COLUMNS:
            return "flyway"
        if have == SQLX_COLUMNS:
            return "sqlx"
    return None


def history_tables_in(snap: Snapshot) -> dict[str, str]:
    """The history tables of ``snap``: ``schema.name`` -> tool (recognised by name and columns, as
    :mod:`pgconsolidate.history.reader` finds them in a database)."""
    columns: dict[str, list[str]] = {}
    for c in snap.columns:
        columns.setdefault(c.table, []).append(c.identity.rsplit(".", 1)[-1])
    out: dict[str, str] = {}
    for t in snap.tables:
        schema, _, name = t.identity.partition(".")
        cols = columns.get(t.identity, ())
        if name in HISTORY_TABLE_NAMES or SHAPE_COLUMN in cols:
            tool = history_tool(schema, name, cols)
            if tool is not None:
                out[t.identity] = tool
    return out


def history_object_names(snap: Snapshot, tables: Collection[str], files: Snapshot | None = None) -> set[str]:
    """The history ``tables`` and what their tool made with them: the sequences they own and, when
    ``files`` (what the migrations build) is given, a schema the files do not create that holds nothing
    else (drizzle-kit's ``drizzle``), with its grants."""
    own = set(tables) | {s.identity for s in snap.sequences if (s.owned_by or "").rsplit(".", 1)[0] in tables}
    if files is None:
        return own
    for schema in {t.split(".", 1)[0] for t in tables}:
        kinds = ("tables", "views", "sequences", "functions", "enums", "domains", "composites")
        inside = [o.identity for k in kinds for o in snap.objects(k) if o.identity.startswith(f"{schema}.")]
        if (
            schema != "public"
            and all(i in own for i in inside)
            and all(s.identity != schema for s in files.schemas)
        ):
            own.add(schema)
            own.update(g.identity for g in snap.grants if g.object_kind == "schema" and g.object == schema)
    return own


def _belongs(obj: Any, names: Collection[str]) -> bool:
    """Whether ``obj`` is one of ``names``, inside one (a column, a constraint, an object of a schema) or
    hangs on one (an index's or trigger's table, a grant's object)."""
    identity = str(getattr(obj, "identity", ""))
    owners = [identity] + [
        o for o in (getattr(obj, "table", None), getattr(obj, "object", None)) if isinstance(o, str)
    ]
    return any(o in names or any(o.startswith(n + ".") for n in names) for o in owners)


def without_history(snap: Snapshot, names: Collection[str]) -> Snapshot:
    """``snap`` without the objects named in ``names`` (from :func:`history_object_names`) and what hangs
    on them: their columns, constraints, indexes, triggers, policies, rules and grants."""
    if not names:
        return snap
    changes: dict[str, Any] = {}
    for f in fields(snap):
        value = getattr(snap, f.name)
        if isinstance(value, tuple) and value and hasattr(value[0], "identity"):
            kept = tuple(o for o in value if not _belongs(o, names))
            if len(kept) != len(value):
                changes[f.name] = kept
    return replace(snap, **changes) if changes else snap
