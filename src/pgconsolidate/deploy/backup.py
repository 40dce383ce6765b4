"""Verified backups: ``pg_dump -Fc``, then restore into a scratch database and compare with the source.

The dump and the source's row counts describe the same instant: a REPEATABLE READ transaction exports
its snapshot, ``pg_dump --snapshot`` dumps it while the rows are counted inside it in parallel. The
verification restores the file with ``pg_restore -j 2`` into a throwaway database on the scratch server
(after creating there the roles the source has, so that owners and privileges restore and are compared
too), then compares the catalog snapshot and the exact row count of every table. Nothing is re-dumped.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from pgconsolidate import __version__
from pgconsolidate.catalog import Snapshot, snapshot_to_json
from pgconsolidate.db.connect import connect
from pgconsolidate.deploy import dbinfo
from pgconsolidate.deploy.manifest import (
    DEFAULT_DIR,
    BackupManifest,
    Verification,
    catalog_path_for,
    manifest_path_for,
    sha256_file,
)
from pgconsolidate.deploy.tools import first_lines, run_tool, spawn_tool
from pgconsolidate.errors import DatabaseError, InputError
from pgconsolidate.fsio import write_atomic
from pgconsolidate.redact import redact_url
from pgconsolidate.scratch import get_scratch_server, throwaway_database, tool_path
from pgconsolidate.scratch.roles import ensure_roles
from pgconsolidate.scratch.server import binary_major

Step = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class Backup:
    manifest_file: Path
    manifest: BackupManifest

    @property
    def dump_file(self) -> Path:
        return self.manifest_file.parent / self.manifest.file


def _stem(database: str, purpose: str) -> str:
    now = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", database) or "db"
    suffix = "" if purpose == "backup" else f"_{purpose}"
    return f"{now}_{safe}{suffix}"


def restore_errors(stderr: str) -> list[str]:
    """pg_restore's error lines (it keeps going and reports them at the end)."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if "error:" in ln.lower() and "errors ignored on restore" not in ln]
    return [first_lines(e, 1) for e in errors[:20]]


def verify_dump(
    dump: Path,
    *,
    expected_counts: dict[str, int],
    expected_catalog: Snapshot,
    source_url: str,
    source_major: int,
    scratch_url: str | None = None,
    step: Step = _quiet,
) -> Verification:
    """Restore ``dump`` into a throwaway scratch database and compare catalog and row counts."""
    started = time.monotonic()
    server = get_scratch_server(scratch_url)
    if server.major is not None and server.major < source_major:
        raise InputError(
            f"the scratch server runs PostgreSQL {server.major}, older than the source's {source_major}: "
            "pass --scratch-url of a server at least as new"
        )
    pg_restore = tool_path("pg_restore", max(source_major, server.major or source_major))
    ensure_roles(source_url, server)
    problems: list[str] = []
    with throwaway_database(server) as scratch:
        step("restoring into a scratch database")
        proc = run_tool(
            pg_restore, ["-j", "2", "--no-password", str(dump)], scratch, what="restore", check=False
        )
        problems.extend(f"restore: {e}" for e in restore_errors(proc.stderr.decode("utf-8", "replace")))
        step("comparing catalog and row counts")
        restored_counts = dbinfo.row_counts(scratch, workers=2)
        problems.extend(dbinfo.count_mismatches(expected_counts, restored_counts))
        diff = dbinfo.catalog_diff(expected_catalog, dbinfo.catalog_snapshot(scratch))
        # ALTER DATABASE ... SET lives outside a pg_dump without --create (and a rollback keeps it):
        diff = replace(diff, differences=tuple(d for d in diff.differences if d.kind != "setting"))
        problems.extend(dbinfo.describe_diff(diff, "after restore"))
    return Verification(
        ok=not problems,
        restored_on=redact_url(server.admin_url),
        seconds=round(time.monotonic() - started, 3),
        problems=tuple(problems),
    )


def take_backup(
    url: str,
    *,
    out_dir: Path | None = None,
    scratch_url: str | None = None,
    purpose: str = "backup",
    verify: bool = True,
    lock_wait: str = "60s",
    step: Step = _quiet,
) -> Backup:
    """Dump ``url``, verify the dump by restoring it, write the manifest; return where it is.

    Refuses (nothing written) a standby, a pg_dump older than the server and a directory without room.
    """
    directory = out_dir or DEFAULT_DIR
    step("reading the server")
    facts = dbinfo.server_facts(url)
    dbinfo.refuse_recovery(facts, url)
    pg_dump = tool_path("pg_dump", facts.major)
    dbinfo.check_space(directory, facts.size_bytes)
    directory.mkdir(parents=True, exist_ok=True)
    stem = _stem(facts.database, purpose)
    final = directory / f"{stem}.dump"
    partial = directory / f".{stem}.dump.partial"

    step(f"dumping {facts.database} with pg_dump -Fc")
    exporter = connect(url)
    try:
        exporter.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = exporter.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        snapshot_id = str(row[0])
        proc = spawn_tool(
            pg_dump,
            ["-Fc", "--no-password", f"--lock-wait-timeout={lock_wait}", f"--snapshot={snapshot_id}",
             "-f", str(partial)],
            url,
        )  # fmt: skip
        try:
            counts = dbinfo.row_counts(url, snapshot=snapshot_id, workers=2, lock_timeout=lock_wait)
        except BaseException:
            proc.kill()
            proc.communicate()
            raise
        _, stderr = proc.communicate()
        if proc.returncode != 0:
            partial.unlink(missing_ok=True)
            message = first_lines(stderr.decode("utf-8", "replace"))
            if "lock" in message.lower():
                message += f" (a table stayed locked past --lock-wait-timeout {lock_wait})"
            raise DatabaseError(f"pg_dump failed (exit {proc.returncode}): {message}; nothing was changed")
        exporter.execute("COMMIT")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        exporter.close()

    with open(partial, "rb+") as fh:  # durable before it gets its final name
        os.fsync(fh.fileno())
    partial.replace(final)
    step("reading the catalog")
    catalog = dbinfo.catalog_snapshot(url)
    manifest = BackupManifest(
        file=final.name,
        sha256=sha256_file(final),
        size=final.stat().st_size,
        server_version=facts.server_version,
        server_version_text=facts.server_version_text,
        database=facts.database,
        source=redact_url(url),
        row_counts=counts,
        catalog_fingerprint=dbinfo.fingerprint(catalog),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        tool_version=__version__,
        pg_dump=f"{pg_dump} ({binary_major(pg_dump)})",
        purpose=purpose,
    )
    write_atomic(catalog_path_for(final), snapshot_to_json(catalog))
    if verify:
        verification = verify_dump(
            final,
            expected_counts=counts,
            expected_catalog=catalog,
            source_url=url,
            source_major=facts.major,
            scratch_url=scratch_url,
            step=step,
        )
        manifest = replace(manifest, verification=verification)
    manifest_file = manifest_path_for(final)
    write_atomic(manifest_file, manifest.to_json())
    return Backup(manifest_file, manifest)


def load_catalog(manifest_file: Path, manifest: BackupManifest) -> Snapshot | None:
    """The catalog snapshot stored with a backup, if it is there and readable."""
    from pgconsolidate.catalog import snapshot_from_json

    path = catalog_path_for(manifest_file.parent / manifest.file)
    try:
        return snapshot_from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, json.JSONDecodeError, InputError):
        return None


def dump_major(manifest: BackupManifest) -> int | None:
    """The major of the pg_dump that wrote the backup (``"<path> (18)"`` in the manifest), if recorded."""
    match = re.search(r"\((\d+)\)\s*$", manifest.pg_dump)
    return int(match.group(1)) if match else None


def pg_restore_for(manifest: BackupManifest, server_major: int) -> Path:
    """A pg_restore that reads the backup's archive (as new as its pg_dump) and talks to ``server_major``."""
    needed = max(server_major, manifest.server_version // 10000, dump_major(manifest) or 0)
    return tool_path("pg_restore", needed)
