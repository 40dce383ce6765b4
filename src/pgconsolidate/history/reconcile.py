"""Match a history table against a migrations directory (pure: data in, issues out).

What is reported: versions the database recorded as applied that no file has, files never applied
(and whether they are older than the newest applied version, which most tools then skip), files whose
content differs from what was recorded (Supabase's statements array, Flyway's checksum, Prisma's
SHA-256, sqlx's SHA-384 of the file's bytes), a dirty (golang-migrate) or failed (Flyway, Prisma, sqlx)
state, and versions that several files share.

sqlx's files are named like dbmate's or Supabase's (``<version>_<name>.sql``) or golang-migrate's
(``.up.sql``/``.down.sql``): a directory is sqlx's only because its database holds ``_sqlx_migrations``.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from pglast import parser

from pgconsolidate.history.model import (
    APPLIED_WITHOUT_FILE,
    CONTENT_DIFFERS,
    DIRTY,
    FAILED,
    NAME_DIFFERS,
    NEVER_APPLIED,
    SHARED_VERSION,
    AppliedMigration,
    HistoryIssue,
    HistoryTable,
    Reconciliation,
)
from pgconsolidate.sources.model import MigrationDir, MigrationFile
from pgconsolidate.statements.split import split_sql

_LOCATION_KEYS = frozenset({"location", "stmt_location", "stmt_len"})
_NUMERIC_TOOLS = frozenset({"golang-migrate", "goose", "flyway", "sqlx", "tern"})


def normalize_version(tool: str, version: str) -> str:
    """The version as the tool compares it: text for Supabase/dbmate, numbers for the others.

    ``001`` and ``1`` are the same version for golang-migrate, goose and sqlx (stored as bigint); Flyway
    compares dotted parts numerically, ignoring leading zeros and trailing ``.0`` parts.
    """
    if tool not in _NUMERIC_TOOLS:
        return version
    parts = version.replace("_", ".").split(".")
    if not all(p.isdigit() for p in parts):
        return version
    nums = [str(int(p)) for p in parts]
    while tool == "flyway" and len(nums) > 1 and nums[-1] == "0":
        nums.pop()
    return ".".join(nums)


def version_order_key(tool: str, version: str) -> tuple[int, tuple[int, ...], str]:
    """The order of a normalized version as ``tool`` applies them (numbers for numeric tools)."""
    return _order_key(tool, version)


_LEADING_DIGITS = re.compile(r"\d+")


def _order_key(tool: str, version: str) -> tuple[int, tuple[int, ...], str]:
    if tool in _BY_FILE_NAME:  # sql-migrate: the number a file's name starts with, then the name
        digits = _LEADING_DIGITS.match(version)
        return (0, (int(digits[0]),), version) if digits else (1, (), version)
    if tool in _NUMERIC_TOOLS and all(p.isdigit() for p in version.split(".")):
        return (0, tuple(int(p) for p in version.split(".")), "")
    return (1, (), version)


_POSITION = re.compile(r"(^|_)(location|len|start|end)$")


def _is_position(key: str, value: Any) -> bool:
    """Offsets into the text (``location``, ``arg_location``, ``rexpr_list_start``, ``stmt_len``...)."""
    return key in _LOCATION_KEYS or (isinstance(value, int) and _POSITION.search(key) is not None)


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if not _is_position(k, v)}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _canonical_node(node: Any) -> str:
    return json.dumps(_strip(node), sort_keys=True, separators=(",", ":"))


def canonical_statements(text: str) -> list[str]:
    """Each statement of ``text`` as its parse tree without positions (comments and layout vanish).

    Text PostgreSQL's parser rejects is kept as whitespace-collapsed text, so it still compares.
    """
    try:
        doc = json.loads(parser.parse_sql_json(text))
    except parser.ParseError:
        flat = " ".join(text.split()).rstrip(";").strip()
        return [f"text:{flat}"] if flat else []
    return [_canonical_node(s.get("stmt", {})) for s in doc.get("stmts", [])]


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def flyway_checksum(text: str) -> int:
    """Flyway's checksum: CRC-32 over each line's UTF-8 bytes without line breaks, as a signed int.

    Lines are split like Java's ``BufferedReader.readLine`` (``\\n``, ``\\r\\n``, ``\\r``; no empty
    last line after a final break); a byte-order mark at the start is dropped.
    """
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    if lines and lines[-1] == "":
        lines.pop()
    crc = 0
    for line in lines:
        crc = zlib.crc32(line.encode("utf-8"), crc)
    return crc - (1 << 32) if crc >= (1 << 31) else crc


def prisma_checksum_matches(file: MigrationFile, recorded: str) -> bool:
    """Whether Prisma's recorded SHA-256 is the file's, its line endings as written, as LF or as CRLF
    (Prisma accepts a file whose line endings git changed)."""
    if recorded == file.sha256:
        return True
    if file.text is None:
        return False
    lf = file.text.replace("\r\n", "\n")
    return any(
        hashlib.sha256(t.encode("utf-8")).hexdigest() == recorded for t in (lf, lf.replace("\n", "\r\n"))
    )


def sqlx_checksum(file: MigrationFile) -> str | None:
    """sqlx's checksum of ``file``: hex SHA-384 of its bytes exactly as read (a byte-order mark
    included, no line-ending change); None when its bytes cannot be rebuilt from its text."""
    if file.text is None:
        return None
    data = file.text.encode("utf-8")
    for candidate in (data, b"\xef\xbb\xbf" + data):  # the reader drops a BOM; sqlx hashes it
        if hashlib.sha256(candidate).hexdigest() == file.sha256:
            return hashlib.sha384(candidate).hexdigest()
    return None


def _first_difference(file: MigrationFile, recorded: tuple[str, ...]) -> tuple[int, int] | None:
    """(statement number, line) of the first statement that differs; None when the content matches."""
    split = split_sql(file.path, file.forward_sql, first_line=file.span_line)
    if split.failures:
        ours = canonical_statements(file.forward_sql)
        lines = [file.span_line] * len(ours)
    else:
        ours = [_canonical_node(s.node) for s in split.statements]
        lines = [s.line for s in split.statements]
    theirs: list[str] = []
    for stmt in recorded:
        theirs.extend(canonical_statements(stmt))
    for i in range(max(len(ours), len(theirs))):
        a = ours[i] if i < len(ours) else None
        b = theirs[i] if i < len(theirs) else None
        if a != b:
            line = lines[i] if i < len(lines) else (lines[-1] if lines else file.span_line)
            return i + 1, line
    return None


def _forward_files(mdir: MigrationDir) -> list[MigrationFile]:
    return [f for f in mdir.files if f.filename.direction == "up"]


def _shared_versions(tool: str, files: Iterable[MigrationFile]) -> list[HistoryIssue]:
    by_version: dict[str, list[MigrationFile]] = {}
    for f in files:
        if f.version:
            by_version.setdefault(normalize_version(tool, f.version), []).append(f)
    issues = []
    for version, group in sorted(by_version.items()):
        if len(group) > 1:
            paths = ", ".join(f.path for f in group)
            issues.append(
                HistoryIssue(
                    SHARED_VERSION,
                    f"version {version} is shared by {len(group)} files ({paths}): the history table can "
                    "record only one of them, so the others are skipped or fail",
                    version=version,
                    path=group[1].path,
                )
            )
    return issues


def _reconcile_drizzle_by_time(
    history: HistoryTable, files: list[MigrationFile], rows: list[AppliedMigration], times: dict[str, int]
) -> Reconciliation:
    """drizzle-kit's own reading: a row's ``created_at`` is the journal ``when`` of the migration it
    records, and ``migrate`` runs only the migrations whose ``when`` is later than the newest row's. A
    file is applied when a row has its ``when`` (its content changed when the hash differs); a row whose
    ``created_at`` no journal entry has is a migration without a file (or whose ``when`` was changed)."""
    by_time: dict[int, AppliedMigration] = {}
    for e in rows:
        if isinstance(e.rank, int):
            by_time.setdefault(e.rank, e)
    newest = max(by_time, default=None)
    file_times = {times[f.path] for f in files if f.path in times}
    by_hash = {f.sha256: f for f in files}
    issues: list[HistoryIssue] = []
    matched = 0
    for f in files:
        when = times.get(f.path)
        row = by_time.get(when) if when is not None else None
        if row is None:
            late = when is not None and newest is not None and when <= newest
            note = " although later ones are applied (drizzle-kit skips it)" if late else ""
            issues.append(
                HistoryIssue(
                    NEVER_APPLIED, f"{f.path} was never applied{note}", version=f.version, path=f.path
                )
            )
            continue
        matched += 1
        if row.sha256 is not None and row.sha256 != f.sha256:
            issues.append(
                HistoryIssue(
                    CONTENT_DIFFERS,
                    f"{f.path}: SHA-256 differs from the hash {history.table} recorded for it (created_at "
                    f"{when}, its journal entry's when): the file changed after it ran",
                    version=f.version,
                    path=f.path,
                )
            )
    for when, e in sorted(by_time.items()):
        if when in file_times:
            continue
        same = by_hash.get(e.sha256 or "")
        what = (
            f"the hash of {same.path}, whose journal entry now has another when"
            if same is not None
            else "no file has it"
        )
        issues.append(
            HistoryIssue(
                APPLIED_WITHOUT_FILE,
                f"{history.table} records a migration (hash {(e.sha256 or '')[:12]}, created_at {when}): "
                f"{what}",
            )
        )
    return Reconciliation(
        tool=history.tool,
        table=history.table,
        applied=len(rows),
        files=len(files),
        matched=matched,
        issues=tuple(issues),
    )


def _reconcile_drizzle(history: HistoryTable, mdir: MigrationDir) -> Reconciliation:
    """drizzle-kit records no version: a row is a file's SHA-256 and its journal time, written in the
    journal's order. A file matches the row with its hash; between files so matched, unmatched files and
    unclaimed rows in equal number are the same migrations changed after they ran; other rows have no
    file, other unmatched files never ran (drizzle-kit skips a file older than the newest applied one)."""
    files = _forward_files(mdir)
    rows = list(history.entries)
    times = dict(mdir.journal_times)
    if times and rows and all(e.rank is not None for e in rows):
        return _reconcile_drizzle_by_time(history, files, rows, times)
    by_hash: dict[str, int] = {}
    for i, e in enumerate(rows):
        if e.sha256 is not None:
            by_hash.setdefault(e.sha256, i)
    used: set[int] = set()
    file_row: dict[int, int] = {}
    for k, f in enumerate(files):
        row = by_hash.get(f.sha256)
        if row is not None and row not in used:
            used.add(row)
            file_row[k] = row
    issues: list[HistoryIssue] = []
    # between two files matched by hash (and before the first, after the last), the unmatched files and
    # the unclaimed rows in the same number are the same migrations, edited since they ran (a row missing
    # elsewhere no longer shifts every later file onto the wrong row); in a gap with more files than rows
    # or the reverse, only a file and the unclaimed row at its own position
    bounds = [(-1, -1), *sorted(file_row.items()), (len(files), len(rows))]
    for (fa, ra), (fb, rb) in pairwise(bounds):
        gap_files = [k for k in range(fa + 1, fb) if k not in file_row]
        gap_rows = [i for i in range(ra + 1, rb) if i not in used]
        if len(gap_files) == len(gap_rows):
            pairs = list(zip(gap_files, gap_rows, strict=True))
        else:  # a file added or a row lost inside the gap too: only a file and the row at its position
            pairs = [(k, k) for k in gap_files if k in gap_rows]
        for k, i in pairs:
            used.add(i)
            file_row[k] = i
            f = files[k]
            issues.append(
                HistoryIssue(
                    CONTENT_DIFFERS,
                    f"{f.path}: SHA-256 differs from the hash {history.table} recorded for the migration "
                    "applied at this position (the file changed after it ran)",
                    version=f.version,
                    path=f.path,
                )
            )
    for i, e in enumerate(rows):
        if i not in used:
            issues.append(
                HistoryIssue(
                    APPLIED_WITHOUT_FILE,
                    f"{history.table} records a migration (hash {(e.sha256 or '')[:12]}, "
                    f"created_at {e.rank}) that no file has",
                )
            )
    last = max(file_row, default=-1)
    for k, f in enumerate(files):
        if k not in file_row:
            note = " although later ones are applied (drizzle-kit skips it)" if k < last else ""
            issues.append(
                HistoryIssue(
                    NEVER_APPLIED, f"{f.path} was never applied{note}", version=f.version, path=f.path
                )
            )
    return Reconciliation(
        tool=history.tool,
        table=history.table,
        applied=len(rows),
        files=len(files),
        matched=len(file_row),
        issues=tuple(issues),
    )


#: Directory tools whose file names sqlx's are indistinguishable from (``<version>_<name>.sql``,
#: ``.up.sql``/``.down.sql``): such a directory is sqlx's when its database keeps ``_sqlx_migrations``.
SQLX_LOOKALIKES = frozenset({"supabase", "dbmate", "golang-migrate"})


def owning_histories(tables: Iterable[HistoryTable], dir_tool: str) -> list[HistoryTable]:
    """The history tables that record the directory of ``dir_tool``: its own tool's; else sqlx's when
    the names could be sqlx's (file names alone cannot tell; the history table decides)."""
    found = list(tables)
    own = [h for h in found if h.tool == dir_tool]
    if not own and dir_tool in SQLX_LOOKALIKES:
        own = [h for h in found if h.tool == "sqlx"]
    return own


#: what to do about a failed row, by tool (the tool's own command where it has one)
_FAILED_FIX = {
    "sqlx": "sqlx stops on it ('partially applied'): repair the schema by hand, then delete its row",
    "prisma": "prisma migrate deploy refuses to run until it is resolved: repair the schema by hand, then "
    "`prisma migrate resolve --rolled-back` (or `--applied`) with its name",
    "flyway": "Flyway refuses to migrate until `flyway repair` removes it (fix the schema by hand first)",
}
#: what the tool does with a file older than the newest applied version that never ran, by tool
_LATE_FILE = {
    "sqlx": "sqlx applies it on its next run, out of order",
    "prisma": "prisma migrate deploy applies it on its next run, out of order",
    "goose": "goose refuses to run while it is missing, unless --allow-missing",
    "dbmate": "dbmate applies it on its next run, out of order",
    "sql-migrate": "sql-migrate applies it on its next run, before the newer ones",
}
#: tools that key their history by the file's name, not by a version in it
_BY_FILE_NAME = frozenset({"sql-migrate"})


def reconcile(history: HistoryTable, mdir: MigrationDir) -> Reconciliation:
    """Compare what ``history`` records as applied with the forward files of ``mdir``."""
    tool = history.tool
    if tool == "drizzle":
        return _reconcile_drizzle(history, mdir)
    files = _forward_files(mdir)
    versioned = [f for f in files if f.version]
    repeatable = {f.path.rsplit("/", 1)[-1]: f for f in files if not f.version}
    by_name = tool in _BY_FILE_NAME
    issues: list[HistoryIssue] = [] if by_name else _shared_versions(tool, versioned)

    file_by_version: dict[str, MigrationFile] = {}
    for f in versioned:
        file_by_version.setdefault(f.path if by_name else normalize_version(tool, f.version), f)

    applied: dict[str, AppliedMigration] = {}
    repeatable_applied: dict[str, AppliedMigration] = {}
    failed_versions: set[str] = set()
    baseline: str | None = None
    for e in history.entries:
        if e.entry_type in ("SCHEMA", "DELETE", "UNDO_SQL", "UNDO_JDBC"):
            continue  # Flyway bookkeeping rows, not migrations
        if e.entry_type == "BASELINE" and e.version is not None:
            baseline = normalize_version(tool, e.version)
            continue
        if e.dirty:
            issues.append(
                HistoryIssue(
                    DIRTY,
                    f"{history.table} is dirty at version {e.version}: that migration failed part-way; "
                    "repair the schema by hand, then force the version",
                    version=e.version,
                )
            )
        if e.success is False:
            fix = _FAILED_FIX.get(tool, "run the tool's repair after fixing it")
            if e.version is not None:
                failed_versions.add(normalize_version(tool, e.version))
            issues.append(
                HistoryIssue(
                    FAILED,
                    f"{history.table} records a failed migration: version {e.version or '(repeatable)'} "
                    f"({e.script or e.name}); {fix}",
                    version=e.version,
                    path=e.script,
                )
            )
            continue
        if e.version is None:
            if e.script:
                repeatable_applied[e.script.rsplit("/", 1)[-1]] = e
            continue
        applied[normalize_version(tool, e.version)] = e

    below: str | None = None
    if tool in ("golang-migrate", "tern") and applied:
        # golang-migrate and tern keep one row, the current version: every file up to it counts as applied.
        below = max(applied, key=lambda v: _order_key(tool, v))
    elif baseline is not None:
        below = baseline  # Flyway baseline: versions up to it count as applied
    if below is not None:
        for version in file_by_version:
            if _order_key(tool, version) <= _order_key(tool, below):
                applied.setdefault(version, AppliedMigration(version=version))

    go_versions = {  # goose's Go migrations: recorded like the SQL ones, left out of the files
        normalize_version(tool, m[0])
        for lo in mdir.left_out
        if lo.path.endswith(".go") and (m := _LEADING_DIGITS.match(lo.path.rsplit("/", 1)[-1]))
    }
    for version in sorted(applied, key=lambda v: _order_key(tool, v)):
        if version not in file_by_version and version not in go_versions:
            e = applied[version]
            label = f" ({e.name})" if e.name else ""
            stops = " (sqlx refuses to run without --ignore-missing)" if tool == "sqlx" else ""
            what = f"version {version}{label}"
            if by_name:
                what = f"migration {version}"
                stops = " (sql-migrate refuses to run: unknown migration in database, unless -ignoreunknown)"
            issues.append(
                HistoryIssue(
                    APPLIED_WITHOUT_FILE,
                    f"{what} is recorded as applied in {history.table} but no file has it{stops}",
                    version=version,
                )
            )

    newest = max((_order_key(tool, v) for v in applied), default=None)
    rolled_back = {normalize_version(tool, v) for v in history.rolled_back}
    matched = 0
    for version, f in file_by_version.items():
        entry = applied.get(version)
        if entry is None and version in rolled_back:
            issues.append(
                HistoryIssue(
                    NEVER_APPLIED,
                    f"{f.path} was rolled back: the latest row of version {version} in {history.table} is a "
                    "down migration (is_applied false)",
                    version=version,
                    path=f.path,
                )
            )
            continue
        if entry is None and version in failed_versions:  # not applied: its one attempt failed
            issues.append(
                HistoryIssue(
                    NEVER_APPLIED,
                    f"{f.path} was never applied: its attempt failed (the failed row above)",
                    version=version,
                    path=f.path,
                )
            )
            continue
        if entry is None:
            late = newest is not None and _order_key(tool, version) < newest
            skips = _LATE_FILE.get(tool, "the tool skips or refuses it")
            note = f" although newer versions are applied ({skips})" if late else ""
            issues.append(
                HistoryIssue(NEVER_APPLIED, f"{f.path} was never applied{note}", version=version, path=f.path)
            )
            continue
        matched += 1
        if entry.statements is not None:
            diff = _first_difference(f, entry.statements)
            if diff is not None:
                n, line = diff
                issues.append(
                    HistoryIssue(
                        CONTENT_DIFFERS,
                        f"{f.path}:{line}: statement {n} differs from what {history.table} recorded "
                        f"when version {version} was applied (the file changed after it ran)",
                        version=version,
                        path=f.path,
                        line=line,
                    )
                )
        if entry.checksum is not None and f.text is not None and flyway_checksum(f.text) != entry.checksum:
            issues.append(
                HistoryIssue(
                    CONTENT_DIFFERS,
                    f"{f.path}: checksum {flyway_checksum(f.text)} differs from the recorded "
                    f"{entry.checksum} (the file changed after it was applied)",
                    version=version,
                    path=f.path,
                )
            )
        if entry.sha256 is not None and not prisma_checksum_matches(f, entry.sha256):
            issues.append(
                HistoryIssue(
                    CONTENT_DIFFERS,
                    f"{f.path}: SHA-256 differs from the checksum {history.table} recorded (the file "
                    "changed after it was applied)",
                    version=version,
                    path=f.path,
                )
            )
        if entry.sha384 is not None and sqlx_checksum(f) != entry.sha384:
            issues.append(
                HistoryIssue(
                    CONTENT_DIFFERS,
                    f"{f.path}: SHA-384 of the file differs from the checksum {history.table} recorded (the "
                    "file changed after it was applied; sqlx refuses to run: 'previously applied but has "
                    "been modified')",
                    version=version,
                    path=f.path,
                )
            )
        if tool in ("supabase", "prisma") and entry.name and entry.name != f.name:
            issues.append(
                HistoryIssue(
                    NAME_DIFFERS,
                    f"{f.path}: recorded under the name {entry.name!r} (the file was renamed after it ran)",
                    version=version,
                    path=f.path,
                )
            )

    for script, f in sorted(repeatable.items()):
        entry = repeatable_applied.get(script)
        if entry is None:
            if tool == "flyway":
                issues.append(HistoryIssue(NEVER_APPLIED, f"{f.path} was never applied", path=f.path))
            continue
        if entry.checksum is not None and f.text is not None and flyway_checksum(f.text) != entry.checksum:
            issues.append(
                HistoryIssue(
                    CONTENT_DIFFERS,
                    f"{f.path}: repeatable migration changed since it last ran (Flyway re-runs it)",
                    path=f.path,
                )
            )

    return Reconciliation(
        tool=tool,
        table=history.table,
        applied=len(applied),
        files=len(versioned),
        matched=matched,
        issues=tuple(issues),
    )
