"""apply: per-file transactions, history, lock, lock_timeout, failing files, refused files, kill -9."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from deploy.fixture import MIGRATIONS, full_dump, write_migrations
from pgconsolidate.db.connect import connection
from pgconsolidate.deploy.apply import ApplyOptions, apply
from pgconsolidate.deploy.backup import take_backup
from pgconsolidate.deploy.lock import advisory_lock
from pgconsolidate.deploy.source import read_source
from pgconsolidate.errors import DatabaseError, InputError
from pgconsolidate.scratch import ScratchServer, create_database, drop_database, throwaway_database
from pgconsolidate.scratch.databases import database_name

MARKERS = {
    "20250101000000": "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.memories'::regclass "
    "AND attname = 'summary' AND NOT attisdropped",
    "20250102000000": "SELECT count(*) FROM pg_class WHERE oid = to_regclass('public.sessions')",
    "20250103000000": "SELECT count(*) FROM pg_proc WHERE oid = to_regprocedure('public.count_memories()')",
    "20250104000000": "SELECT count(*) FROM pg_class WHERE oid = to_regclass('public.memories_tags_idx')",
}


def history(url: str) -> list[str]:
    with connection(url) as conn:
        exists = conn.execute("SELECT to_regclass('supabase_migrations.schema_migrations')").fetchone()
        if not exists or exists[0] is None:
            return []
        return [
            r[0] for r in conn.execute("SELECT version FROM supabase_migrations.schema_migrations ORDER BY 1")
        ]


def consistent(url: str) -> tuple[list[str], list[str]]:
    """(versions in history, versions whose objects exist) — equal when the database is consistent."""
    with connection(url) as conn:
        present = [v for v, q in sorted(MARKERS.items()) if conn.execute(q).fetchone() == (1,)]
    return history(url), present


def wait_for_lock(url: str, proc: subprocess.Popen[bytes], limit: float = 30.0) -> None:
    """Until the apply subprocess holds the advisory lock (it is about to change things)."""
    deadline = time.monotonic() + limit
    with connection(url, autocommit=True) as conn:
        while time.monotonic() < deadline and proc.poll() is None:
            row = conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.02)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pgconsolidate", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_dry_run_changes_nothing(prod_db: str, migrations: Path, workdir: Path) -> None:
    before = full_dump(prod_db)
    result = apply(prod_db, read_source(migrations), ApplyOptions(dry_run=True))
    assert [u.version for u in result.pending] == sorted(MARKERS)
    assert result.applied == [] and result.backup is None
    assert full_dump(prod_db) == before
    assert not (workdir / ".pgconsolidate").exists()


def test_second_apply_has_nothing_to_do(prod_db: str, migrations: Path, workdir: Path) -> None:
    first = apply(prod_db, read_source(migrations), ApplyOptions())
    assert len(first.applied) == 4
    second = apply(prod_db, read_source(migrations), ApplyOptions())
    assert second.pending == [] and second.applied == []
    assert history(prod_db) == sorted(MARKERS)


def test_failing_migration_rolls_back_its_own_transaction(
    prod_db: str, tmp_path: Path, workdir: Path
) -> None:
    files = dict(MIGRATIONS)
    files["20250102000000_sessions.sql"] = (
        "-- Sessions, with a typo in the second statement.\n"
        "CREATE TABLE public.sessions (id bigserial PRIMARY KEY);\n"
        "INSERT INTO public.sessionz (id) VALUES (1);\n"
    )
    mig = write_migrations(tmp_path / "bad", files)
    result = apply(prod_db, read_source(mig), ApplyOptions())
    assert result.failed is not None
    assert "20250102000000_sessions.sql:3" in result.failed and "sessionz" in result.failed
    assert [u.version for u in result.applied] == ["20250101000000"]
    hist, present = consistent(prod_db)
    assert hist == ["20250101000000"] == present  # the CREATE TABLE of the failed file was rolled back


def test_table_locked_past_lock_timeout(prod_db: str, migrations: Path, workdir: Path) -> None:
    backup = take_backup(prod_db, out_dir=workdir / "bk")
    with connection(prod_db) as holder:
        holder.execute("LOCK TABLE public.memories IN ACCESS EXCLUSIVE MODE")
        opts = ApplyOptions(lock_timeout="300ms", backup_file=backup.manifest_file)
        result = apply(prod_db, read_source(migrations), opts)
        with pytest.raises(DatabaseError, match="locked past"):  # a backup cannot be taken either
            take_backup(prod_db, out_dir=workdir / "bk2", lock_wait="300ms")
        holder.rollback()
    assert result.failed is not None and "lock_timeout" in result.failed
    assert result.applied == []
    assert consistent(prod_db) == ([], [])


def test_advisory_lock_keeps_a_second_apply_out(prod_db: str, migrations: Path, workdir: Path) -> None:
    with advisory_lock(prod_db, timeout=1):
        with pytest.raises(DatabaseError, match="another pgconsolidate apply or rollback is running"):
            apply(prod_db, read_source(migrations), ApplyOptions(wait=0.5))
        proc = run_cli(
            "apply", str(migrations), "--database-url", prod_db, "--lock-timeout", "0.5", cwd=workdir
        )
    assert proc.returncode == 2
    assert "another pgconsolidate apply" in proc.stderr and "Traceback" not in proc.stderr
    assert history(prod_db) == []


def test_two_concurrent_applies_never_both_run(prod_db: str, tmp_path: Path, workdir: Path) -> None:
    files = {k: v + "SELECT pg_sleep(0.6);\n" for k, v in MIGRATIONS.items()}
    mig = write_migrations(tmp_path / "slow", files)
    backup = take_backup(prod_db, out_dir=workdir / "bk")
    args = (
        "apply",
        str(mig),
        "--database-url",
        prod_db,
        "--backup",
        str(backup.manifest_file),
        "--lock-timeout",
        "0.3",
    )
    results: list[subprocess.CompletedProcess[str]] = []
    threads = [threading.Thread(target=lambda: results.append(run_cli(*args, cwd=workdir))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        assert r.returncode == 0 or (r.returncode == 2 and "another pgconsolidate apply" in r.stderr), (
            r.stderr
        )
    applied_lines = [ln for r in results for ln in r.stdout.splitlines() if ln.startswith("applied ")]
    assert len(applied_lines) == 4, applied_lines  # every migration ran exactly once, by one of the two
    assert history(prod_db) == sorted(MARKERS)


def test_refused_files(prod_db: str, tmp_path: Path) -> None:
    concurrently = {
        "20250101000000_idx.sql": "-- idx\nCREATE INDEX CONCURRENTLY m_idx ON public.memories (id);\n"
    }
    with pytest.raises(InputError, match=r"20250101000000_idx.sql:2: CREATE INDEX CONCURRENTLY"):
        apply(
            prod_db, read_source(write_migrations(tmp_path / "a", concurrently)), ApplyOptions(dry_run=True)
        )
    inner_commit = {
        "20250101000000_x.sql": "-- x\nCREATE TABLE t1 (id int);\nCOMMIT;\nCREATE TABLE t2 (id int);\n"
    }
    with pytest.raises(InputError, match="transaction control"):
        apply(
            prod_db, read_source(write_migrations(tmp_path / "b", inner_commit)), ApplyOptions(dry_run=True)
        )
    collision = {"20250101_a.sql": "-- a\nSELECT 1;\n", "20250101_b.sql": "-- b\nSELECT 2;\n"}
    with pytest.raises(InputError, match="version 20250101"):
        apply(prod_db, read_source(write_migrations(tmp_path / "c", collision)), ApplyOptions(dry_run=True))


def test_no_transaction_marker_and_wrapped_file(prod_db: str, tmp_path: Path, workdir: Path) -> None:
    files = {
        "20250101000000_wrapped.sql": "-- wrapped\nBEGIN;\nCREATE TABLE public.w (id int);\nCOMMIT;\n",
        "20250102000000_idx.sql": (
            "-- pgconsolidate: no-transaction\n"
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS m_content_idx ON public.memories (content);\n"
        ),
    }
    result = apply(prod_db, read_source(write_migrations(tmp_path / "m", files)), ApplyOptions())
    assert result.failed is None and len(result.applied) == 2
    assert not result.pending[1].transactional
    with connection(prod_db) as conn:
        assert conn.execute("SELECT to_regclass('public.m_content_idx') IS NOT NULL").fetchone() == (True,)
    assert history(prod_db) == ["20250101000000", "20250102000000"]


def test_kill_9_leaves_a_migration_boundary(
    scratch_server: ScratchServer, prod_db: str, tmp_path: Path
) -> None:
    files = {k: v + "SELECT pg_sleep(0.25);\n" for k, v in MIGRATIONS.items()}
    mig = write_migrations(tmp_path / "slow", files)
    template = database_name(prod_db)
    rng = random.Random(7)
    outcomes = []
    for trial in range(10):
        url = create_database(scratch_server, template=template)
        try:
            backup = take_backup(url, out_dir=tmp_path / "bk")
            proc = subprocess.Popen(
                [sys.executable, "-m", "pgconsolidate", "apply", str(mig), "--database-url", url,
                 "--backup", str(backup.manifest_file)],
                cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            wait_for_lock(url, proc)
            time.sleep(rng.uniform(0.0, 1.4))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            hist, present = consistent(url)
            assert hist == present, f"trial {trial}: history {hist} but objects of {present}"
            outcomes.append(len(hist))
            again = apply(url, read_source(mig), ApplyOptions(backup_file=backup.manifest_file, wait=10))
            assert again.failed is None
            assert consistent(url) == (sorted(MARKERS), sorted(MARKERS))
        finally:
            drop_database(scratch_server, database_name(url))
    assert len(set(outcomes)) >= 2, f"kills all landed at the same boundary: {outcomes}"


def test_throwaway_is_importable(scratch_server: ScratchServer) -> None:
    with throwaway_database(scratch_server) as url:
        assert history(url) == []


def test_consolidate_output_runs_fix_and_repair_in_one_transaction(
    prod_db: str, tmp_path: Path, workdir: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "pgconsolidate-output.json").write_text("{}")
    (out / "20250201000000_consolidation_fix.sql").write_text(
        "-- fix\nBEGIN;\nSET LOCAL lock_timeout = '5s';\n"
        "ALTER TABLE public.memories ADD COLUMN IF NOT EXISTS fixed boolean DEFAULT true;\nCOMMIT;\n"
    )
    (out / "history_repair.sql").write_text(
        "-- repair\nBEGIN;\nINSERT INTO supabase_migrations.schema_migrations (version, name)\n"
        "SELECT '20250201000000', 'consolidation_fix' WHERE NOT EXISTS (SELECT 1 FROM "
        "supabase_migrations.schema_migrations WHERE version = '20250201000000');\nCOMMIT;\n"
    )
    source = read_source(out)
    assert source.consolidation is not None and len(source.consolidation.paths) == 2
    result = apply(prod_db, source, ApplyOptions())
    assert result.failed is None and len(result.applied) == 1
    assert history(prod_db) == ["20250201000000"]
    again = apply(prod_db, read_source(out), ApplyOptions())
    assert again.pending == []  # recorded by the repair: never applied twice
    (out / "history_repair.sql").write_text("-- broken repair\nSELECT 1/0;\n")
    with connection(prod_db) as conn:
        conn.execute("DELETE FROM supabase_migrations.schema_migrations")
        conn.execute("ALTER TABLE public.memories DROP COLUMN fixed")
    failed = apply(prod_db, read_source(out), ApplyOptions())
    assert failed.failed is not None and "history_repair.sql" in failed.failed
    with connection(prod_db) as conn:  # the fix was rolled back with the failing repair
        row = conn.execute(
            "SELECT count(*) FROM pg_attribute "
            "WHERE attrelid = 'public.memories'::regclass AND attname = 'fixed'"
        ).fetchone()
        assert row == (0,)
