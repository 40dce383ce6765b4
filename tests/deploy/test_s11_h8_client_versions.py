"""Client binaries of the server's own major: a PostgreSQL 16 (or 15) database is backed up, verified and
rolled back with pg_dump / pg_restore / psql it accepts.

pg_restore 17+ begins every restore with ``SET transaction_timeout = 0``, which PostgreSQL 15 and 16
reject: the newest embedded binaries (18) were used for every server, so no backup of a PostgreSQL 15/16
database verified on a scratch server of its major (the only kind that has its extensions), and a
rollback, which stops at the first error, could not run. Reproduced on the embedded PostgreSQL 16.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgconsolidate.db.connect import connection
from pgconsolidate.deploy.backup import take_backup
from pgconsolidate.deploy.manifest import sha256_file
from pgconsolidate.deploy.rollback import rollback, without_settings
from pgconsolidate.deploy.tools import split_url
from pgconsolidate.scratch import ScratchServer, throwaway_database
from pgconsolidate.scratch.server import binary_major, tool_path, unknown_settings


@pytest.fixture(scope="module")
def server_16() -> ScratchServer:
    from pgconsolidate.scratch import get_scratch_server

    try:
        return get_scratch_server(major=16)
    except Exception as exc:  # pragma: no cover - the embedded 16 is optional
        pytest.skip(f"embedded PostgreSQL 16 not available: {exc}")


@pytest.fixture
def db_16(server_16: ScratchServer) -> Iterator[str]:
    with throwaway_database(server_16) as url:
        with connection(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE public.notes (id int PRIMARY KEY, body text NOT NULL)")
            conn.execute("INSERT INTO public.notes SELECT g, 'note ' || g FROM generate_series(1, 50) g")
        yield url


def test_the_oldest_major_that_serves_the_server_is_chosen(server_16: ScratchServer) -> None:
    for name in ("pg_dump", "pg_restore", "psql"):
        assert binary_major(tool_path(name, 16)) == 16
        assert binary_major(tool_path(name, 18)) == 18
        assert (binary_major(tool_path(name, 15)) or 99) < 17  # 15 where the machine has it, else 16
        assert binary_major(tool_path(name)) == max(binary_major(tool_path(name, m)) or 0 for m in (16, 18))
    assert unknown_settings(tool_path("pg_restore", 18), 16) == ("transaction_timeout",)
    assert unknown_settings(tool_path("pg_restore", 18), 17) == ()
    assert unknown_settings(tool_path("pg_restore", 16), 15) == ()


def test_a_pg16_backup_verifies_on_a_pg16_scratch_server(
    db_16: str, server_16: ScratchServer, tmp_path: Path
) -> None:
    backup = take_backup(db_16, out_dir=tmp_path, scratch_url=server_16.admin_url)
    assert backup.manifest.verification.problems == ()
    assert backup.manifest.verification.ok
    assert backup.manifest.pg_dump.endswith("(16)")


def test_rollback_restores_a_backup_written_by_a_newer_pg_dump(
    db_16: str, server_16: ScratchServer, tmp_path: Path
) -> None:
    backup = take_backup(db_16, out_dir=tmp_path, scratch_url=server_16.admin_url)
    assert backup.manifest.verification.ok
    # the same backup as pg_dump 18 writes it (an earlier pgconsolidate, or a machine with only 18)
    conninfo, env = split_url(db_16)
    pg_dump_18 = tool_path("pg_dump", 18)
    subprocess.run(
        [str(pg_dump_18), "-Fc", "-f", str(backup.dump_file), f"--dbname={conninfo}"],
        check=True,
        env={**env, "PATH": "/usr/bin:/bin"},
    )
    doc = json.loads(backup.manifest_file.read_text())
    doc.update(sha256=sha256_file(backup.dump_file), size=backup.dump_file.stat().st_size)
    doc["pg_dump"] = f"{pg_dump_18} (18)"
    backup.manifest_file.write_text(json.dumps(doc))
    with connection(db_16, autocommit=True) as conn:
        conn.execute("DELETE FROM public.notes WHERE id > 10")
        conn.execute("CREATE TABLE public.added (id int)")
    result = rollback(db_16, backup_file=backup.manifest_file, scratch_url=server_16.admin_url)
    assert result.problems == []
    with connection(db_16) as conn:
        assert conn.execute("SELECT count(*) FROM public.notes").fetchone() == (50,)
        assert conn.execute("SELECT to_regclass('public.added')").fetchone() == (None,)


def test_the_filter_drops_only_the_preamble_settings(tmp_path: Path) -> None:
    script = tmp_path / "in.sql"
    script.write_bytes(
        b"--\n-- PostgreSQL database dump\n--\n\\restrict abc\n\nSET statement_timeout = 0;\n"
        b"SET transaction_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n\n"
        b"CREATE TABLE public.t (x text);\nCOPY public.t (x) FROM stdin;\nSET transaction_timeout = 0;\n\\.\n"
    )
    out = tmp_path / "out.sql"
    with script.open("rb") as src, out.open("wb") as sink:
        without_settings(src, sink, ("transaction_timeout",))
    text = out.read_bytes()
    assert text.count(b"SET transaction_timeout") == 1  # the row of the table is kept as it is
    assert b"SET statement_timeout = 0;\n" in text
    assert text.endswith(b"COPY public.t (x) FROM stdin;\nSET transaction_timeout = 0;\n\\.\n")
