"""A scratch copy of the live database (pg_dump | pg_restore), for proof (c) (I/O)."""

from __future__ import annotations

import subprocess

from pgconsolidate.errors import DatabaseError
from pgconsolidate.redact import redact_text
from pgconsolidate.scratch.server import tool_path
from pgconsolidate.verify.facts import read_facts


def copy_live(live_url: str, scratch_url: str, major: int | None) -> dict[str, int]:
    """Restore a full dump of ``live_url`` into ``scratch_url``; return the live row counts per table."""
    dump = subprocess.run(
        [str(tool_path("pg_dump", major)), "--format=custom", "--no-owner", "--dbname", live_url],
        capture_output=True,
        check=False,
    )
    if dump.returncode != 0:
        raise DatabaseError(
            f"pg_dump of the live database failed: {redact_text(dump.stderr.decode()[-300:])}"
        )
    restore = subprocess.run(
        [str(tool_path("pg_restore", major)), "--no-owner", "--single-transaction", "--dbname", scratch_url],
        input=dump.stdout,
        capture_output=True,
        check=False,
    )
    if restore.returncode != 0:
        raise DatabaseError(f"pg_restore into scratch failed: {redact_text(restore.stderr.decode()[-300:])}")
    return dict(read_facts(live_url).row_counts)
