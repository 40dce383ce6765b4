"""A scratch copy of the live database, and the row accounting of proof (c) (I/O).

The copy is restored the way a verified backup is (``deploy.backup``): the source's roles are created on
the scratch server first (``scratch.roles.ensure_roles``), so owners' grants restore. When the proof uses
the Supabase base, the copy gets it too (roles, ``auth``, ``storage``, ``extensions``), the ids of
``auth.users`` (so foreign keys to it hold) and the app's triggers on tables of managed schemas; every
other schema is restored from ``pg_dump`` with its data.

Extensions the scratch server cannot install (pg_net, http, pgcrypto, uuid-ossp, pg_graphql, pgsodium on a
hosted project) would make the restore fail: their ``CREATE EXTENSION`` entries are left out of the
restore list (``pg_restore -L``); a stand-in is installed first for those that have one, and the others are
reported, with whatever needs them, as not copied (:func:`not_copied` compares the copy with the live
catalog). Event triggers of the platform (functions in managed schemas) are left out too: they would fire
during the proof.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from pgconsolidate.catalog.model import Grant, Snapshot
from pgconsolidate.catalog.schemas import MANAGED_SCHEMAS
from pgconsolidate.compare.diff import SnapshotDiff, common_features, diff_snapshots
from pgconsolidate.compare.render import text_lines
from pgconsolidate.db.connect import connection, load_sql, one_line
from pgconsolidate.generate.fix import key_expr, key_join
from pgconsolidate.history.reader import history_table_names
from pgconsolidate.plan.keys import key_columns
from pgconsolidate.plan.model import Plan
from pgconsolidate.redact import redact_text
from pgconsolidate.replay.model import StandIn
from pgconsolidate.replay.runner import available_extensions
from pgconsolidate.scratch.roles import ensure_roles
from pgconsolidate.scratch.server import ScratchServer, binary_major, tool_path
from pgconsolidate.scratch.standins import (
    SPECS,
    has_stand_in,
    install_stand_in,
    installed_stand_ins,
    stand_in_objects,
)
from pgconsolidate.scratch.supabase import PLATFORM_EXTENSIONS, install_supabase_base
from pgconsolidate.scratch.tools import run_tool
from pgconsolidate.verify.dump import managed_triggers
from pgconsolidate.verify.regnames import regclass_text

QUERIES = "pgconsolidate.verify.queries"
# Schemas the scratch Supabase base creates itself, with tables (restoring the live database's copy of
# them over the base's fails: "multiple primary keys"); every other schema is copied.
BASE_SCHEMAS = ("auth", "storage", "supabase_migrations", "extensions", "supabase_functions", "realtime")
_TOC = re.compile(r"^\d+; \d+ \d+ (?P<type>EXTENSION|EVENT TRIGGER|COMMENT|SCHEMA) - (?P<rest>.*)$")


@dataclass(frozen=True)
class LiveCopy:
    """What the copy holds besides the live database's objects, and what it could not hold.

    ``stand_ins``: stand-ins in the copy (installed for an extension the scratch server lacks, or restored
    as they were in the live database); ``left_out``: extensions neither available nor stood in for;
    ``notes``: one line per thing done or not copied (restore errors included)."""

    stand_ins: tuple[StandIn, ...]
    left_out: tuple[str, ...]
    notes: tuple[str, ...]
    unproven: tuple[str, ...] = ()  # left-out extensions the platform does not provide: proof (c) fails
    extension_schemas: tuple[tuple[str, str], ...] = ()  # the live database's extensions and schemas


def is_supabase(url: str) -> bool:
    """Whether the database is a Supabase project (it has ``auth.users``)."""
    with connection(url, autocommit=True) as conn:
        row = conn.execute("SELECT to_regclass('auth.users') IS NOT NULL").fetchone()
    return bool(row and row[0])


def live_stand_ins(url: str) -> tuple[StandIn, ...]:
    """Stand-ins a database holds (found by their marker comments), e.g. a scratch-built production."""
    with connection(url, autocommit=True) as conn:
        found = installed_stand_ins(conn)
    return tuple(
        StandIn(ext, schema, "(database)", 0, stand_in_objects(ext, schema), SPECS[ext].note)
        for ext, schema in sorted(found.items())
        if ext in SPECS
    )


def restore_list(
    toc: str,
    drop_extensions: frozenset[str],
    drop_event_triggers: frozenset[str],
    drop_schemas: frozenset[str],
) -> str:
    """``pg_restore -l`` output without the entries of ``drop_extensions`` (and their comments), of the
    event triggers ``drop_event_triggers`` (and theirs), and of the schemas ``drop_schemas`` (created
    before the restore to hold stand-ins)."""
    out: list[str] = []
    for line in toc.splitlines():
        m = _TOC.match(line)
        if m:
            kind, rest = m["type"], m["rest"]
            name = rest.split(" ", 1)[0]
            if kind == "EXTENSION" and name in drop_extensions:
                continue
            if kind == "EVENT TRIGGER" and name in drop_event_triggers:
                continue
            if kind == "SCHEMA" and name in drop_schemas:
                continue
            if kind == "COMMENT":
                target, _, tail = rest.partition(" ")
                obj = tail.split(" ", 1)[0]
                if target == "EXTENSION" and obj in drop_extensions:
                    continue
                trigger = tail.removeprefix("TRIGGER ").split(" ", 1)[0]
                if target == "EVENT" and tail.startswith("TRIGGER ") and trigger in drop_event_triggers:
                    continue
        out.append(line)
    return "\n".join(out) + "\n"


def _restore_errors(stderr: str) -> list[str]:
    """pg_restore's complaints, one line each (``already exists`` is expected: the base made it)."""
    out: list[str] = []
    for block in re.split(r"(?m)^pg_restore: ", stderr):
        head = block.strip().splitlines()[0] if block.strip() else ""
        if not head.startswith("error:") or "already exists" in block:
            continue
        command = re.search(r"Command was: (.*)", block)
        what = f" ({command.group(1).strip()[:80]})" if command else ""
        out.append(redact_text(head.removeprefix("error: could not execute query: ") + what))
    return out


def copy_live(
    live_url: str,
    scratch_url: str,
    server: ScratchServer,
    *,
    supabase: bool = True,
    available: frozenset[str] | None = None,
) -> LiveCopy:
    """Restore ``live_url`` into the empty ``scratch_url`` (see the module docstring). ``available``: the
    extensions the scratch server can install (default: asked from it)."""
    major = server.major
    ensure_roles(live_url, server)
    notes: list[str] = []
    if supabase:
        install_supabase_base(scratch_url)
    with connection(live_url) as src, connection(scratch_url, autocommit=True) as dst:
        live_major = src.info.server_version // 10000
        extensions = [(str(r[0]), str(r[1])) for r in src.execute(load_sql(QUERIES, "live_extensions.sql"))]
        platform_triggers = frozenset(
            str(r[0])
            for r in src.execute(
                load_sql(QUERIES, "platform_event_triggers.sql").encode(), {"managed": list(MANAGED_SCHEMAS)}
            )
        )
        if supabase:
            dst.execute(load_sql(QUERIES, "clear_default_acl.sql").encode())
            has_users = src.execute("SELECT to_regclass('auth.users') IS NOT NULL").fetchone()
            if has_users and has_users[0]:
                ids = [r[0] for r in src.execute("SELECT id FROM auth.users").fetchall()]
                if ids:
                    dst.execute(
                        "INSERT INTO auth.users (id) SELECT unnest(%s::uuid[]) ON CONFLICT DO NOTHING", (ids,)
                    )
        if available is None:
            available = available_extensions(scratch_url)
        # stand-ins the live database itself holds (a scratch-built production) in a schema the dump
        # leaves out come along as if they were its extensions
        excluded = BASE_SCHEMAS if supabase else ()
        for held in live_stand_ins(live_url):
            if held.schema in excluded and held.extension not in {e for e, _ in extensions}:
                extensions.append((held.extension, held.schema))
        have = installed_stand_ins(dst)
        missing = frozenset(ext for ext, _ in extensions if ext not in available)
        created_schemas: set[str] = set()
        left_out: list[str] = []
        for ext, schema in extensions:
            if ext not in missing:
                continue
            if ext in have:
                notes.append(f"extension {ext}: the scratch server lacks it; the base's stand-in is used")
            elif has_stand_in(ext):
                target = SPECS[ext].fixed_schema or schema
                if target not in BASE_SCHEMAS and target != "public":
                    created_schemas.add(target)
                with dst.transaction():
                    dst.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(target)))
                    install_stand_in(dst, ext, schema)
                notes.append(
                    f"extension {ext}: the scratch server lacks it; a stand-in was installed in schema "
                    f"{target} ({SPECS[ext].note})"
                )
            else:
                left_out.append(ext)
                notes.append(
                    f"extension {ext}: the scratch server lacks it and there is no stand-in: it was not "
                    "copied, nor anything that needs it"
                )
    left = sorted(platform_triggers)
    if left:
        notes.append(
            f"event triggers of the platform not copied (they would fire during the proof): {', '.join(left)}"
        )
    # a pg_dump for the live server's major, a pg_restore able to read its archive and talk to the scratch
    # server (the oldest that can: see tool_path); credentials reach them in the environment, never argv
    pg_dump = tool_path("pg_dump", live_major)
    pg_restore = tool_path("pg_restore", max(binary_major(pg_dump) or live_major, major or 0))
    args = ["--format=custom", "--no-owner"]
    if supabase:
        for schema in BASE_SCHEMAS:
            args += ["--exclude-schema", schema]
    with tempfile.TemporaryDirectory(prefix="pgc-live-") as tmp:
        dump_file = Path(tmp) / "live.dump"
        run_tool(pg_dump, [*args, "--file", str(dump_file)], live_url, what="pg_dump of the live database")
        toc = run_tool(pg_restore, ["-l", str(dump_file)], None, what="pg_restore -l")
        list_file = Path(tmp) / "restore.list"
        list_file.write_text(
            restore_list(toc.stdout.decode(), missing, platform_triggers, frozenset(created_schemas))
        )
        restore = run_tool(
            pg_restore, ["--no-owner", "-L", str(list_file), str(dump_file)], scratch_url, what="restore",
            check=False,
        )  # fmt: skip
    notes += [f"restore: {e}" for e in _restore_errors(restore.stderr.decode(errors="replace"))]
    if supabase:
        notes += _copy_managed_triggers(live_url, scratch_url)
    unproven = tuple(
        f"extension {ext} could not be copied (the scratch server lacks it and there is no stand-in): the "
        "clean set does not create it, and what needs it was not proven; use --scratch-url with a server "
        "that has it"
        for ext in left_out
        if not (supabase and ext in PLATFORM_EXTENSIONS)
    )
    return LiveCopy(live_stand_ins(scratch_url), tuple(left_out), tuple(notes), unproven, tuple(extensions))


def _copy_managed_triggers(live_url: str, scratch_url: str) -> list[str]:
    """The app's triggers on tables of the base's schemas (``auth.users`` ...): the dump leaves them out."""
    problems: list[str] = []
    with connection(scratch_url, autocommit=True) as conn:
        for t in managed_triggers(live_url):
            try:
                with conn.transaction():
                    conn.execute(t.sql.encode())
            except psycopg.Error as exc:
                problems.append(f"trigger {t.name}: not copied: {one_line(exc)}")
    return problems


def drop_history_tables(scratch_url: str, keep: Collection[str]) -> list[str]:
    """Drop from the copy at ``scratch_url`` the migration history tables (goose_db_version,
    schema_migrations, ...) not in ``keep`` (the tables of the live snapshot the proof compares with):
    the clean set must not create the tool's own table. A table something else depends on stays (the
    comparison then names it). Returns the tables dropped."""
    dropped: list[str] = []
    with connection(scratch_url, autocommit=True) as conn:
        for table in history_table_names(conn):
            if table in keep:
                continue
            schema, name = table.split(".", 1)
            try:
                conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(schema, name)))
            except psycopg.Error:
                continue
            dropped.append(table)
    return dropped


def not_copied(live: Snapshot, copy: Snapshot, copied: LiveCopy) -> list[str]:
    """What the live database has that its copy lacks or holds differently (extensions stood in for or
    left out are reported by :func:`copy_live`, not here; ``ALTER DATABASE ... SET`` lives outside a dump,
    as in the verification of a backup)."""
    skip = {s.extension for s in copied.stand_ins} | set(copied.left_out)
    # the copy is restored without owners (pg_restore --no-owner): its objects belong to the role that
    # restored it, so an owner of another name, and that owner's own privileges held under the other
    # name, are how the copy was made, not something lost. With the live objects owned by a role other than
    # the scratch server's (any owner but "postgres" with the embedded server), every table, function and
    # sequence differed twice and the proof always failed
    diff = diff_snapshots(live, copy, ignore=frozenset({"owner"}))
    renamed = _owner_grants_renamed(live, copy)
    keep = tuple(
        d
        for d in diff.differences
        if not (d.kind == "extension" and d.identity in skip)
        and d.kind != "setting"
        and d.identity not in renamed
    )
    return text_lines(SnapshotDiff(diff.a, diff.b, keep, diff.ignored))


def _owner_grants_renamed(live: Snapshot, copy: Snapshot) -> frozenset[str]:
    """Identities of the grants to an owner role of ``live`` that ``copy`` holds, the same, for one of
    its own owner roles instead (and of those counterparts)."""

    def owners(snapshot: Snapshot) -> set[str]:
        found: set[str] = set()
        for collection in snapshot.__dataclass_fields__:
            value = getattr(snapshot, collection)
            if isinstance(value, tuple):
                found.update(o for o in (getattr(x, "owner", None) for x in value) if isinstance(o, str))
        return found

    live, copy, _ = common_features(live, copy)  # MAINTAIN, which only one of two majors has, aside
    live_owners, copy_owners = owners(live), owners(copy)
    live_grants = {g.identity: g for g in live.grants}
    copy_grants = {g.identity: g for g in copy.grants}

    def key(g: Grant) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
        return (g.object_kind, g.object, g.privileges, g.grantable)

    lost = {
        key(g): g.identity
        for i, g in live_grants.items()
        if g.grantee in live_owners and i not in copy_grants
    }
    out: set[str] = set()
    for i, g in copy_grants.items():
        if g.grantee in copy_owners and i not in live_grants and key(g) in lost:
            out.update((i, lost[key(g)]))
    return frozenset(out)


@dataclass(frozen=True)
class TableCount:
    table: str
    rows: int
    keys_md5: str  # md5 of the sorted keys (text)
    values: int  # non-null values of the planned embedding columns (all dimensions)


def measure(url: str, plan: Plan) -> dict[str, TableCount]:
    """Counts and key checksums of every table a merge or an embedding conversion touches."""
    tables: dict[str, str] = {}
    for m in plan.merges:
        tables[m.source] = m.key
        tables[m.target] = m.key
    for e in plan.embeddings:
        tables.setdefault(e.table, "")
    out: dict[str, TableCount] = {}
    with connection(url) as conn:
        for table, key in tables.items():
            schema, name = table.split(".", 1)
            reg = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (regclass_text(table),)).fetchone()
            if not reg or not reg[0]:
                continue
            ident = sql.Identifier(schema, name)
            keys = (
                sql.SQL("md5(coalesce(string_agg({k}::text, ',' ORDER BY {k}::text), ''))").format(
                    k=key_expr("", key_columns(key))
                )
                if key
                else sql.SQL("''")
            )
            cols = [
                r[0]
                for r in conn.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 "
                    "AND NOT attisdropped",
                    (regclass_text(table),),
                ).fetchall()
            ]
            vcols = [
                c
                for e in plan.embeddings
                if e.table == table
                for c in (e.column, *(e.side_column(d) for d in e.move_dimensions))
                if c in cols
            ]
            values = (
                sql.SQL(" + ").join(sql.SQL("count({})").format(sql.Identifier(c)) for c in vcols)
                if vcols
                else sql.SQL("0")
            )
            row = conn.execute(
                sql.SQL("SELECT count(*), {keys}, {values} FROM {t}").format(
                    keys=keys, values=values, t=ident
                )
            ).fetchone()
            assert row is not None
            out[table] = TableCount(table, int(row[0]), str(row[1]), int(row[2]))
    return out


def origin_keys(url: str, target: str, source: str) -> tuple[int, str]:
    """(rows, md5 of sorted source keys) recorded in ``<target>_merge_origin`` for ``source``."""
    schema, name = target.split(".", 1)
    origin = sql.Identifier(schema, f"{name}_merge_origin")
    with connection(url) as conn:
        reg = conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL", (regclass_text(f"{schema}.{name}_merge_origin"),)
        ).fetchone()
        if not reg or not reg[0]:
            return 0, ""
        row = conn.execute(
            sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(source_key, ',' ORDER BY source_key), '')) "
                "FROM {o} WHERE source_table = %s"
            ).format(o=origin),
            (source,),
        ).fetchone()
    assert row is not None
    return int(row[0]), str(row[1])


def account_rows(
    before: dict[str, TableCount], after: dict[str, TableCount], plan: Plan, url: str
) -> list[str]:
    """Every row and embedding value of the merged / converted tables accounted for; problems listed."""
    problems: list[str] = []
    for m in plan.merges:
        src, tgt = before.get(m.source), before.get(m.target)
        if src is None or tgt is None:
            continue
        n, keys = origin_keys(url, m.target, m.source)
        if n != src.rows or keys != src.keys_md5:
            problems.append(
                f"{m.source}: {src.rows} rows before, {n} recorded in {m.target}_merge_origin "
                f"(key checksum {'matches' if keys == src.keys_md5 else 'differs'})"
            )
        t_after = after.get(m.target)
        collided = 0 if m.on_collision == "keep-both" else None
        if t_after is not None and collided == 0 and t_after.rows != tgt.rows + src.rows:
            problems.append(f"{m.target}: {tgt.rows} + {src.rows} rows expected, {t_after.rows} found")
        if t_after is not None and t_after.rows < tgt.rows:
            problems.append(f"{m.target}: lost rows ({tgt.rows} before, {t_after.rows} after)")
    merged_sources = {m.source for m in plan.merges}
    for table, b in before.items():
        if table in merged_sources:
            continue
        a = after.get(table)
        if a is None:
            problems.append(f"{table}: missing after the fix")
            continue
        incoming = sum(
            before[m.source].values for m in plan.merges if m.target == table and m.source in before
        )
        if a.values != b.values + incoming:
            problems.append(f"{table}: {b.values + incoming} embedding values expected, {a.values} found")
    return problems


def collisions(url: str, plan: Plan) -> dict[str, int]:
    """Per merge source: how many of its keys already exist in the target."""
    out: dict[str, int] = {}
    with connection(url) as conn:
        for m in plan.merges:
            ok = conn.execute(
                "SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL",
                (regclass_text(m.source), regclass_text(m.target)),
            ).fetchone()
            if not ok or not ok[0]:
                continue
            row = conn.execute(
                sql.SQL("SELECT count(*) FROM {s} s JOIN {t} t ON {k}").format(
                    s=sql.Identifier(*m.source.split(".", 1)),
                    t=sql.Identifier(*m.target.split(".", 1)),
                    k=key_join("t", "s", key_columns(m.key)),
                )
            ).fetchone()
            out[m.source] = int(row[0]) if row else 0
    return out
