"""pg_dump of the app's schemas (I/O): the exact DDL of a consolidated database, and reference data."""

from __future__ import annotations

import subprocess

from pgconsolidate.catalog.reader import MANAGED_SCHEMAS
from pgconsolidate.db.connect import connection, load_sql
from pgconsolidate.errors import DatabaseError
from pgconsolidate.generate.cleanset import DumpEntry
from pgconsolidate.redact import redact_text
from pgconsolidate.scratch.server import tool_path

QUERIES = "pgconsolidate.verify.queries"
EXCLUDED = tuple(s for s in MANAGED_SCHEMAS if s != "extensions")


def _run(args: list[str], major: int | None) -> str:
    exe = tool_path("pg_dump", major)
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise DatabaseError(
            f"pg_dump failed: {redact_text(proc.stderr.strip().splitlines()[-1] if proc.stderr else '')}"
        )
    return proc.stdout


def dump_schema(url: str, major: int | None = None) -> str:
    """Schema-only dump of everything outside the managed schemas (no owners; privileges kept)."""
    args = ["--schema-only", "--no-owner"]
    for s in EXCLUDED:
        args += ["--exclude-schema", s]
    return _run([*args, "--dbname", url], major)


def dump_data(url: str, tables: list[str], major: int | None = None) -> str:
    """``INSERT … ON CONFLICT DO NOTHING`` statements for ``tables`` (reference data)."""
    if not tables:
        return ""
    args = ["--data-only", "--inserts", "--column-inserts", "--on-conflict-do-nothing", "--no-owner"]
    for t in tables:
        args += ["--table", t]
    return _run([*args, "--dbname", url], major)


def managed_triggers(url: str) -> list[DumpEntry]:
    with connection(url) as conn:
        conn.execute("SET search_path = ''")
        rows = conn.execute(
            load_sql(QUERIES, "managed_triggers.sql").encode(), {"managed": list(MANAGED_SCHEMAS)}
        ).fetchall()
    return [DumpEntry(f"{r[3]} {r[2]}", "TRIGGER", r[3].split(".")[0], r[4] + ";") for r in rows]
