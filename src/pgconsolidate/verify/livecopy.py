"""A scratch copy of the live database, and the row accounting of proof (c) (I/O).

The copy gets the Supabase base (roles, ``auth``), the ids of ``auth.users`` (so foreign keys to it
hold) and a dump of every other schema restored with its data. ``restore`` errors are returned, not
fatal: whatever did not restore shows up as a difference in the comparison that follows.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from psycopg import sql

from pgconsolidate.db.connect import connection, load_sql
from pgconsolidate.errors import DatabaseError
from pgconsolidate.plan.model import Plan
from pgconsolidate.redact import redact_text
from pgconsolidate.scratch.server import tool_path
from pgconsolidate.scratch.supabase import install_supabase_base

# Schemas the scratch Supabase base creates itself; every other schema is copied (``net``, ``cron``, ...
# as plain objects when they are not extensions; an extension the scratch server lacks fails to restore
# and whatever needs it fails visibly in the proof).
BASE_SCHEMAS = ("auth", "storage", "supabase_migrations", "extensions")


def copy_live(live_url: str, scratch_url: str, major: int | None) -> list[str]:
    """Restore ``live_url`` into the empty ``scratch_url``; returns pg_restore's complaints."""
    install_supabase_base(scratch_url)
    with connection(live_url) as src, connection(scratch_url, autocommit=True) as dst:
        dst.execute(load_sql("pgconsolidate.verify.queries", "clear_default_acl.sql").encode())
        has_users = src.execute("SELECT to_regclass('auth.users') IS NOT NULL").fetchone()
        if has_users and has_users[0]:
            ids = [r[0] for r in src.execute("SELECT id FROM auth.users").fetchall()]
            if ids:
                dst.execute(
                    "INSERT INTO auth.users (id) SELECT unnest(%s::uuid[]) ON CONFLICT DO NOTHING", (ids,)
                )
    args = [str(tool_path("pg_dump", major)), "--format=custom", "--no-owner", "--dbname", live_url]
    for schema in BASE_SCHEMAS:
        args += ["--exclude-schema", schema]
    dump = subprocess.run(args, capture_output=True, check=False)
    if dump.returncode != 0:
        raise DatabaseError(
            f"pg_dump of the live database failed: {redact_text(dump.stderr.decode()[-300:])}"
        )
    restore = subprocess.run(
        [str(tool_path("pg_restore", major)), "--no-owner", "--dbname", scratch_url],
        input=dump.stdout,
        capture_output=True,
        check=False,
    )
    return [
        redact_text(ln)
        for ln in restore.stderr.decode(errors="replace").splitlines()
        if "error:" in ln and "already exists" not in ln
    ]


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
            reg = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
            if not reg or not reg[0]:
                continue
            ident = sql.Identifier(schema, name)
            keys = (
                sql.SQL("md5(coalesce(string_agg({k}::text, ',' ORDER BY {k}::text), ''))").format(
                    k=sql.Identifier(key)
                )
                if key
                else sql.SQL("''")
            )
            cols = [
                r[0]
                for r in conn.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 "
                    "AND NOT attisdropped",
                    (table,),
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
            "SELECT to_regclass(%s) IS NOT NULL", (f"{schema}.{name}_merge_origin",)
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
                "SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL", (m.source, m.target)
            ).fetchone()
            if not ok or not ok[0]:
                continue
            row = conn.execute(
                sql.SQL("SELECT count(*) FROM {s} s JOIN {t} t ON t.{k} = s.{k}").format(
                    s=sql.Identifier(*m.source.split(".", 1)),
                    t=sql.Identifier(*m.target.split(".", 1)),
                    k=sql.Identifier(m.key),
                )
            ).fetchone()
            out[m.source] = int(row[0]) if row else 0
    return out
