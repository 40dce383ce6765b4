"""The database checks as they stood before an apply, so that ``check`` can tell what the apply caused.

A project can fail a check on its own, long before any consolidation: two overloads one call can match
(``create_notification(uuid, text)`` and ``create_notification(uuid, text, text DEFAULT NULL)``) make
every write to a table whose trigger calls one of them fail. Reported after an apply, such a failure reads
as the apply's fault. So ``apply``, before it takes its lock (held only while it applies) and so before it
changes anything, runs the checks that exercise the database (``checks.database_checks``: overloads,
vector operations, CRUD) in a transaction that is rolled back, and writes their results next to its
backup's manifest (``<stem>.checks.json``).
``check`` reads the newest such baseline of the database and splits each failing check's details into
``pre_existing`` (the same subject — table, column, function pair — failed in the baseline with the same
message) and ``caused_by_apply`` (the rest; one that failed before with another message says so); a check
whose failures all pre-existed becomes a warning that says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from pgconsolidate.db.connect import connect, one_line
from pgconsolidate.deploy.checks import FAIL, WARN, CheckResult, database_checks, user_functions
from pgconsolidate.deploy.manifest import DEFAULT_DIR, SUFFIX, list_backups

BASELINE_SUFFIX = ".checks.json"
DATABASE_CHECKS = frozenset({"functions", "vector operations", "CRUD"})  # what ``database_checks`` runs
FORMAT = "pgconsolidate-check-baseline"


def baseline_path_for(manifest_file: Path) -> Path:
    return manifest_file.with_name(manifest_file.name.removesuffix(SUFFIX) + BASELINE_SUFFIX)


def subject(detail: str) -> str:
    """What a check's detail is about: the text before its first ``": "`` (``public.messages`` of
    ``public.messages: function ... is not unique``), the whole detail when it has none."""
    head, sep, _ = detail.partition(": ")
    return head if sep else detail


@dataclass(frozen=True)
class Recorded:
    """The database checks as they stood, and when (not yet written: the backup they go with may not
    exist yet)."""

    results: tuple[CheckResult, ...]
    recorded_at: str


def run_baseline(url: str) -> tuple[Recorded | None, str]:
    """Run the database checks on ``url`` in a transaction that is rolled back. Returns (what they
    found, "") or (None, why they could not run): a baseline helps, it never stops an apply."""
    recorded_at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        conn = connect(url)
    except Exception as exc:  # a baseline is a help, never a reason to stop an apply
        return None, f"baseline not recorded: {exc}"
    try:
        with conn.transaction(force_rollback=True):
            conn.execute("SET LOCAL statement_timeout = '60s'")
            conn.execute("SET LOCAL lock_timeout = '5s'")  # a busy row is a failure of its table, not a wait
            from pgconsolidate.deploy.checks import _search_path

            _search_path(conn)
            results = database_checks(conn, user_functions(conn))
    except psycopg.Error as exc:
        return None, f"baseline not recorded: {one_line(exc)}"
    finally:
        conn.close()
    return Recorded(tuple(results), recorded_at), ""


def write_baseline(recorded: Recorded, manifest_file: Path) -> Path:
    """Write ``recorded`` next to the backup manifest ``manifest_file`` (``<stem>.checks.json``)."""
    doc = {
        "schema_version": 1,
        "format": FORMAT,
        "recorded_at": recorded.recorded_at,
        "backup_manifest": manifest_file.name,
        "checks": [{"name": r.name, "status": r.status, "details": r.details} for r in recorded.results],
    }
    path = baseline_path_for(manifest_file)
    from pgconsolidate.fsio import write_atomic

    write_atomic(path, (json.dumps(doc, indent=1) + "\n").encode("utf-8"))
    return path


def record_baseline(url: str, manifest_file: Path) -> tuple[Path | None, str]:
    """:func:`run_baseline` then :func:`write_baseline`: (the baseline file, "") or (None, why not)."""
    recorded, note = run_baseline(url)
    return (None, note) if recorded is None else (write_baseline(recorded, manifest_file), "")


def latest_baseline(database: str, backup_dir: Path | None) -> tuple[Path, dict[str, list[str]]] | None:
    """The newest baseline of ``database`` among the backups in ``backup_dir``: (its file, failing
    details by check name). None when no apply recorded one (or it cannot be read)."""
    for manifest_file, _ in reversed(list_backups(backup_dir or DEFAULT_DIR, database)):
        path = baseline_path_for(manifest_file)
        if not path.is_file():
            continue
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            failing: dict[str, list[str]] = {}
            for c in doc["checks"]:
                if c["status"] in (FAIL, WARN):
                    failing.setdefault(str(c["name"]), []).extend(str(d) for d in c["details"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        return path, failing
    return None


def annotate(results: list[CheckResult], baseline: Path, failing: dict[str, list[str]]) -> None:
    """Split each failing check's details into pre-existing and caused by the apply (in place). A check
    whose failures all pre-existed becomes WARN; its summary says so either way. Only the checks the baseline
    runs (``DATABASE_CHECKS``) are compared: another one (security definer, planned structure) found no
    failure in the baseline because it was not run there, and was said to be "all caused by the apply"
    (seen after applying a real Supabase chat app's consolidation, for the 4 definers the plan kept, with
    ``check DIR`` and no ``--plan``)."""
    for r in results:
        if r.status != FAIL or not r.details or r.name not in DATABASE_CHECKS:
            continue
        before = {subject(d): d for d in failing.get(r.name, [])}
        r.baseline = str(baseline)
        shown: list[str] = []
        for d in r.details:
            earlier = before.get(subject(d))
            if earlier is None:
                shown.append(d)
                r.caused_by_apply.append(d)
                continue
            if earlier != d:  # it failed before, but not this way: the apply changed how (its doing)
                d = f"{d} (it failed before the apply too, differently: {earlier.partition(': ')[2]})"
                shown.append(d)
                r.caused_by_apply.append(d)
                continue
            d = f"{d} (already failed before the apply)"
            shown.append(d)
            r.pre_existing.append(d)
        r.details = shown
        n_old, n_new = len(r.pre_existing), len(r.caused_by_apply)
        if not n_new:
            r.status = WARN
            r.summary += (
                f"; all {n_old} already failed before the apply (baseline {baseline.name}): none caused by it"
            )
        elif n_old:
            r.summary += (
                f"; {n_new} caused by the apply, {n_old} already failed before it (baseline {baseline.name})"
            )
        else:
            r.summary += f"; all {n_new} caused by the apply (none failed in baseline {baseline.name})"


def compare_with_baseline(results: list[CheckResult], database: str, backup_dir: Path | None) -> None:
    """Annotate ``results`` with the newest baseline of ``database``, when an apply recorded one."""
    found = latest_baseline(database, backup_dir)
    if found is not None:
        annotate(results, *found)
        return
    applied = [m for _, m in list_backups(backup_dir or DEFAULT_DIR, database) if m.purpose == "before-apply"]
    if not applied:
        return  # no apply on record: nothing to tell apart
    for r in results:
        if r.status == FAIL and r.name in DATABASE_CHECKS:
            r.summary += (
                f" (an apply was made at {applied[-1].created_at} without a record of the checks before it: "
                "whether this failed before the apply cannot be told)"
            )
