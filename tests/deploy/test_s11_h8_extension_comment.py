"""An in-place rollback does not replay the comment of an extension that still exists.

``pg_restore -l`` prints an entry without an owner with a trailing space (``COMMENT - EXTENSION vector ``);
the parser stripped it, read ``vector`` as the owner and ``EXTENSION`` as the tag, and the entry was kept:
``COMMENT ON EXTENSION vector`` may only be run by the extension's owner, so the rollback of a database
whose extension a superuser created (Supabase's dashboard, a DBA) failed for its non-superuser owner
("must be owner of extension vector", seen on PostgreSQL 16 with a CREATEDB CREATEROLE owner).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from pgconsolidate.db.connect import connection
from pgconsolidate.deploy.restore_list import parse_toc, select_entries
from pgconsolidate.deploy.tools import run_tool
from pgconsolidate.scratch import tool_path


def test_the_comment_of_an_existing_extension_is_not_replayed(scratch_db: str, tmp_path: Path) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute("CREATE TABLE public.items (id int PRIMARY KEY, embedding vector(3))")
        conn.execute("COMMENT ON TABLE public.items IS 'kept'")
    dump = tmp_path / "db.dump"
    run_tool(tool_path("pg_dump", 18), ["-Fc", "-f", str(dump)], scratch_db, what="pg_dump")
    toc = subprocess.run(
        [str(tool_path("pg_restore", 18)), "-l", str(dump)], capture_output=True, text=True, check=True
    ).stdout
    entries = parse_toc(toc)
    comment = next(e for e in entries if e.type == "COMMENT" and "EXTENSION vector" in e.line)
    assert comment.tag == "EXTENSION vector" and comment.schema == "-"
    chosen = select_entries(
        entries,
        kept_schemas=frozenset(),
        surviving_schemas=frozenset({"public"}),
        dropped_dependents=frozenset(),
        existing=frozenset({("EXTENSION", "-", "", "vector")}),
    )
    kinds = {(e.type, e.tag) for e in chosen}
    assert ("COMMENT", "EXTENSION vector") not in kinds
    assert ("EXTENSION", "vector") not in kinds
    assert ("COMMENT", "TABLE items") in kinds  # the project's own comments are replayed
    assert ("TABLE", "items") in kinds
