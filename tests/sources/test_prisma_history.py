"""Prisma's ``_prisma_migrations`` read from a scratch database and reconciled with a Prisma directory."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pgconsolidate.db.connect import connection
from pgconsolidate.history import read_history, reconcile
from pgconsolidate.history.model import (
    APPLIED_WITHOUT_FILE,
    CONTENT_DIFFERS,
    FAILED,
    NAME_DIFFERS,
    NEVER_APPLIED,
)
from pgconsolidate.sources.reader import read_dir

# the table as Prisma creates it
TABLE = """
CREATE TABLE public._prisma_migrations (
    id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz,
    migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz,
    started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count integer NOT NULL DEFAULT 0)
"""

FILES = {
    "20240101000000_init": "CREATE TABLE a (id int);\n",
    "20240102000000_crlf": "CREATE TABLE b (id int);\nSELECT 1;\n",
    "20240103000000_edited": "CREATE TABLE c (id int);\n",
    "20240104000000_renamed_later": "SELECT 2;\n",
    "20240105000000_retried": "SELECT 3;\n",
    "20240106000000_broken": "SELECT 4;\n",
    "20240107000000_pending": "SELECT 5;\n",
}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_prisma_history(tmp_path: Path, scratch_db: str) -> None:
    root = tmp_path / "prisma" / "migrations"
    for dirname, text in FILES.items():
        (root / dirname).mkdir(parents=True)
        (root / dirname / "migration.sql").write_text(text)
    (root / "migration_lock.toml").write_text('provider = "postgresql"\n')
    done = "now()"
    rows = [
        # (migration_name, checksum, finished_at, rolled_back_at, started_at offset in minutes)
        ("20240101000000_init", _sha(FILES["20240101000000_init"]), done, "NULL", 1),
        # applied from a CRLF checkout: Prisma still accepts it
        ("20240102000000_crlf", _sha(FILES["20240102000000_crlf"].replace("\n", "\r\n")), done, "NULL", 2),
        ("20240103000000_edited", _sha("CREATE TABLE c (id bigint);\n"), done, "NULL", 3),
        ("20240104000000_renamed", _sha(FILES["20240104000000_renamed_later"]), done, "NULL", 4),
        # failed once, resolved as rolled back, then applied: the latest attempt decides
        ("20240105000000_retried", _sha(FILES["20240105000000_retried"]), "NULL", "now()", 5),
        ("20240105000000_retried", _sha(FILES["20240105000000_retried"]), done, "NULL", 6),
        ("20240106000000_broken", _sha(FILES["20240106000000_broken"]), "NULL", "NULL", 7),
        ("20231231000000_gone", _sha("SELECT 0;\n"), done, "NULL", 0),
    ]
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(TABLE)
        for i, (name, checksum, finished, rolled, minute) in enumerate(rows):
            conn.execute(
                "INSERT INTO public._prisma_migrations (id, checksum, finished_at, migration_name,"
                f" rolled_back_at, started_at) VALUES (%s, %s, {finished}, %s, {rolled},"
                " now() + make_interval(mins => %s))",
                (str(i), checksum, name, minute),
            )
    (history,) = read_history(scratch_db)
    assert (history.tool, history.table) == ("prisma", "public._prisma_migrations")
    rec = reconcile(history, read_dir(root))
    kinds = {(i.kind, i.version) for i in rec.issues}
    assert kinds == {
        (APPLIED_WITHOUT_FILE, "20231231000000"),
        (CONTENT_DIFFERS, "20240103000000"),
        (NAME_DIFFERS, "20240104000000"),
        (FAILED, "20240106000000"),
        (NEVER_APPLIED, "20240106000000"),
        (NEVER_APPLIED, "20240107000000"),
    }
    assert rec.matched == 5 and rec.files == 7
