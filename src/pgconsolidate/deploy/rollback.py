"""Restore a backup IN PLACE (hosted Supabase cannot drop or rename its ``postgres`` database).

1. The backup is found (``--backup``, else the newest verified one of this database) and its sha256
   checked against its manifest; the advisory lock is taken.
2. A safety backup of the current state is taken and verified (``purpose = before-rollback``): the
   rollback itself can be undone with ``rollback --backup <safety backup>``.
3. One transaction (``psql --single-transaction``, ``ON_ERROR_STOP``) clears the schemas the restore
   owns — every schema but PostgreSQL's and the platform-managed ones (``auth``, ``storage``,
   ``extensions``, ...; ``supabase_migrations`` IS restored: the history must match the objects) —
   and replays the backup (see :mod:`pgconsolidate.deploy.restore_list`). A schema that hosts an
   extension (and ``public``, which pg_dump never re-creates) is emptied object by object instead of
   dropped, so the extension stays. Any error rolls
   the whole transaction back: the database is then exactly as before the rollback.
4. Row counts (of the restored schemas) and the catalog are compared with the backup's manifest.

Left alone on purpose: roles (cluster-wide), data in the managed schemas, extensions created after the
backup, database-level settings.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from psycopg import sql

from pgconsolidate.catalog.schemas import MANAGED_SCHEMAS
from pgconsolidate.db.connect import connection, load_sql
from pgconsolidate.deploy import dbinfo
from pgconsolidate.deploy.backup import Backup, load_catalog, pg_restore_for, take_backup
from pgconsolidate.deploy.lock import advisory_lock
from pgconsolidate.deploy.manifest import DEFAULT_DIR, latest_backup, read_manifest, verify_file
from pgconsolidate.deploy.restore_list import parse_toc, select_entries
from pgconsolidate.deploy.tools import first_lines, run_tool, split_url
from pgconsolidate.errors import DatabaseError, InputError
from pgconsolidate.scratch import tool_path
from pgconsolidate.scratch.server import binary_major, unknown_settings

Step = Callable[[str], None]

# Schemas the in-place restore never clears (the platform's); the migration history is restored.
KEPT_SCHEMAS = frozenset(MANAGED_SCHEMAS) - {"supabase_migrations"}


def _quiet(_: str) -> None:
    return None


@dataclass
class RollbackResult:
    backup: Backup
    safety: Backup | None = None
    problems: list[str] = field(default_factory=list)
    restored_files: list[str] = field(default_factory=list)


def find_backup(path: Path | None, database: str, directory: Path | None = None) -> Backup:
    """The given backup, or the newest verified one of ``database``; its file must match its manifest."""
    if path is not None:
        manifest_file = (
            path
            if path.name.endswith(".manifest.json")
            else path.with_name(path.name.removesuffix(".dump") + ".manifest.json")
        )
        manifest = read_manifest(manifest_file)
        if manifest.database != database:
            raise InputError(f"{path}: a backup of database {manifest.database!r}, not {database!r}")
    else:
        found = latest_backup(directory or DEFAULT_DIR, database)
        if found is None:
            raise InputError(
                f"no verified backup of {database!r} in {directory or DEFAULT_DIR}: pass --backup FILE"
            )
        manifest_file, manifest = found
    problems = verify_file(manifest_file, manifest)
    if problems:
        raise InputError(problems[0])
    return Backup(manifest_file, manifest)


def _clear_sql(
    url: str,
) -> tuple[str, frozenset[str], frozenset[tuple[str, str, str, str]], frozenset[tuple[str, str, str, str]]]:
    """The statements that empty the schemas the restore owns, and what the entry selection needs."""
    stmts: list[sql.Composable] = []
    surviving: set[str] = set()
    with connection(url, autocommit=True) as conn:
        conn.execute("SET search_path TO pg_catalog")
        schemas = [
            (str(r[0]), bool(r[1]))
            for r in conn.execute(load_sql(dbinfo.QUERIES, "rollback_state.sql").encode())
        ]
        clear = [s for s, _ in schemas if s not in KEPT_SCHEMAS]
        keep = [s for s, _ in schemas if s in KEPT_SCHEMAS]
        params = {"keep": keep, "clear": clear}
        dependents = frozenset(
            (str(r[0]), str(r[1]), str(r[2]), str(r[3]))
            for r in conn.execute(load_sql(dbinfo.QUERIES, "managed_dependents.sql").encode(), params)
        )
        existing = frozenset(
            (str(r[0]), str(r[1]), str(r[2]), str(r[3]))
            for r in conn.execute(load_sql(dbinfo.QUERIES, "managed_existing.sql").encode(), params)
        )
        for kind, schema, table, name in sorted(dependents):
            target = sql.Identifier(schema, table)
            if kind == "POLICY":
                stmts.append(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(name), target))
            elif kind == "TRIGGER":
                stmts.append(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(sql.Identifier(name), target))
            else:
                stmts.append(
                    sql.SQL("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}").format(
                        target, sql.Identifier(name)
                    )
                )
        for role, schema, objects, grantee in conn.execute(
            load_sql(dbinfo.QUERIES, "default_acls.sql").encode(), params
        ):
            stmts.append(
                sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} REVOKE ALL ON {} FROM {}").format(
                    sql.Identifier(str(role)),
                    sql.Identifier(str(schema)),
                    sql.SQL(str(objects)),  # one of a fixed set of keywords (see default_acls.sql)
                    sql.SQL("PUBLIC") if grantee is None else sql.Identifier(str(grantee)),
                )
            )
        surviving.update(keep)
        for schema, has_extension in schemas:
            if schema in KEPT_SCHEMAS:
                continue
            if not has_extension and schema != "public":  # pg_dump does not re-create public
                stmts.append(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
                continue
            surviving.add(schema)
            for kind, signature in conn.execute(
                load_sql(dbinfo.QUERIES, "schema_members.sql").encode(), {"schema": schema}
            ):
                # ``signature`` is PostgreSQL's own regclass/regprocedure/regtype output (quoted, qualified)
                stmts.append(
                    sql.SQL("DROP {} IF EXISTS {} CASCADE").format(
                        sql.SQL(str(kind)), sql.SQL(str(signature))
                    )
                )
        text = "".join(sql.SQL("{};\n").format(s).as_string(conn) for s in stmts)
    return text, frozenset(surviving), dependents, existing


# a pg_restore script's preamble: comments, SET and set_config lines, psql meta-commands (\restrict)
_PREAMBLE = re.compile(rb"(--|SET |SELECT pg_catalog\.set_config|\\restrict |\s*$)")


def without_settings(script: IO[bytes], sink: IO[bytes], drop: Sequence[str]) -> None:
    """Copy the pg_restore ``script`` into ``sink`` without the ``SET`` of each setting in ``drop``.

    pg_restore writes its settings once, in the preamble before the first object; the filter stops at
    the first line that is not part of it and copies the rest as it is (rows included)."""
    setting = re.compile(rb"SET (" + b"|".join(re.escape(s.encode()) for s in drop) + rb") = ")
    while line := script.readline():
        if not setting.match(line):
            sink.write(line)
        if not _PREAMBLE.match(line):
            break
    shutil.copyfileobj(script, sink, 1 << 20)


def _run_filtered(
    argv: list[str], env: dict[str, str], script: IO[bytes], drop: Sequence[str]
) -> subprocess.CompletedProcess[bytes]:
    """Run psql ``argv`` on ``script`` less the ``SET`` of the settings in ``drop``."""
    consumer = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    assert consumer.stdin is not None
    sink = consumer.stdin

    def pump() -> None:
        try:
            without_settings(script, sink, drop)
        except (BrokenPipeError, OSError):
            pass  # psql stopped (ON_ERROR_STOP): its exit status says why
        finally:
            with contextlib.suppress(OSError):
                sink.close()

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    assert consumer.stderr is not None
    stderr = consumer.stderr.read()  # not communicate(): it would close psql's input under the pump
    consumer.wait()
    thread.join()
    return subprocess.CompletedProcess(argv, consumer.returncode, b"", stderr)


def restore_in_place(url: str, backup: Backup, server_major: int, *, step: Step = _quiet) -> None:
    """Clear the owned schemas and replay ``backup``, all in one transaction."""
    pg_restore = pg_restore_for(backup.manifest, server_major)
    # psql as new as pg_restore: the script may hold its meta-commands (\restrict, from 17.6 and 18)
    psql = tool_path("psql", binary_major(pg_restore) or server_major)
    drop = unknown_settings(pg_restore, server_major)
    step("listing the backup")
    toc = run_tool(pg_restore, ["-l", str(backup.dump_file)], None, what="pg_restore -l").stdout.decode()
    clear_text, surviving, dependents, existing = _clear_sql(url)
    entries = select_entries(
        parse_toc(toc),
        kept_schemas=KEPT_SCHEMAS,
        surviving_schemas=surviving,
        dropped_dependents=dependents,
        existing=existing,
    )
    with tempfile.TemporaryDirectory(prefix="pgc-rollback-") as tmp:
        clear_file = Path(tmp) / "clear.sql"
        list_file = Path(tmp) / "restore.list"
        clear_file.write_text(
            "SET client_min_messages = warning;\nSET lock_timeout = '30s';\n" + clear_text, encoding="utf-8"
        )
        list_file.write_text("".join(e.line + "\n" for e in entries), encoding="utf-8")
        step("restoring the backup in one transaction")
        producer = subprocess.Popen(
            [str(pg_restore), "-L", str(list_file), "-f", "-", str(backup.dump_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        conninfo, env_extra = split_url(url)
        env = {**os.environ, **env_extra}
        argv = [str(psql), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                "-f", str(clear_file), "-f", "-", f"--dbname={conninfo}"]  # fmt: skip
        assert producer.stdout is not None
        if drop:  # through a filter: a SET the server rejects would stop the transaction
            consumer = _run_filtered(argv, env, producer.stdout, drop)
        else:
            consumer = subprocess.run(
                argv, stdin=producer.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                check=False,
            )  # fmt: skip
        producer.stdout.close()
        producer_err = producer.stderr.read() if producer.stderr else b""
        producer.wait()
        if consumer.returncode != 0:
            text = consumer.stderr.decode("utf-8", "replace")
            errors = [ln for ln in text.splitlines() if "ERROR" in ln or "FATAL" in ln] or [text]
            raise DatabaseError(
                "rollback failed and was rolled back (the database is as it was before): "
                + first_lines("\n".join(errors), 2)
            )
        if producer.returncode != 0:
            raise DatabaseError(
                "reading the backup failed: " + first_lines(producer_err.decode("utf-8", "replace"))
            )


def compare_with_backup(url: str, backup: Backup) -> list[str]:
    """Differences between the database now and the backup's manifest (restored schemas' rows, catalog)."""
    m = backup.manifest

    def owned(table: str) -> bool:
        return table.split(".", 1)[0] not in KEPT_SCHEMAS

    expected = {t: n for t, n in m.row_counts.items() if owned(t)}
    actual = {t: n for t, n in dbinfo.row_counts(url).items() if owned(t)}
    problems = dbinfo.count_mismatches(expected, actual)
    now = dbinfo.catalog_snapshot(url)
    if dbinfo.fingerprint(now) != m.catalog_fingerprint:
        before = load_catalog(backup.manifest_file, m)
        if before is None:
            problems.append("catalog: differs from the backup's fingerprint")
        else:
            problems.extend(dbinfo.describe_diff(dbinfo.catalog_diff(before, now), "after rollback"))
    return problems


def restore_archived_files(output_dir: Path | None) -> list[str]:
    """Re-enable the migration files ``consolidate`` moved (the plan engineer's ``restore-files``)."""
    if output_dir is None:
        return []
    from pgconsolidate.archive.files import restore_files as restore

    restored = restore(output_dir)
    return [str(p) for p in restored] if restored else []


def rollback(
    url: str,
    *,
    backup_file: Path | None = None,
    backup_dir: Path | None = None,
    scratch_url: str | None = None,
    output_dir: Path | None = None,
    wait: float = 30.0,
    step: Step = _quiet,
) -> RollbackResult:
    facts = dbinfo.server_facts(url)
    dbinfo.refuse_recovery(facts, url)
    backup = find_backup(backup_file, facts.database, backup_dir)
    if not backup.manifest.verification.ok:
        raise InputError(
            f"{backup.manifest_file}: this backup did not pass verification: refusing to restore it"
        )
    result = RollbackResult(backup)
    with advisory_lock(url, timeout=wait, what="rollback"):
        step("taking a safety backup of the current state")
        result.safety = take_backup(
            url, out_dir=backup_dir or backup.manifest_file.parent, scratch_url=scratch_url,
            purpose="before-rollback", step=step,
        )  # fmt: skip
        if not result.safety.manifest.verification.ok:
            raise DatabaseError(
                f"the safety backup {result.safety.dump_file} did not verify "
                f"({'; '.join(result.safety.manifest.verification.problems[:3])}): nothing was restored"
            )
        restore_in_place(url, backup, facts.major, step=step)
        step("comparing with the backup's manifest")
        result.problems = compare_with_backup(url, backup)
    result.restored_files = restore_archived_files(output_dir)
    return result
