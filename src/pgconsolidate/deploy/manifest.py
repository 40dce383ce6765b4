"""The manifest written next to every backup, and how backups are found again.

A backup is two files in the backup directory (``.pgconsolidate/backups/`` by default):
``<UTC time>_<database>.dump`` (``pg_dump -Fc``) and ``<same stem>.manifest.json``, plus the catalog
snapshot taken with it (``<stem>.catalog.json``) so that a later comparison can say *what* differs.
The manifest records what is needed to trust the file later: its sha256 and size, the server and
database it came from, exact row counts per table, the catalog fingerprint, when it was taken, by which
pgconsolidate and pg_dump, and the result of the restore verification.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pgconsolidate.errors import InputError

MANIFEST_FORMAT = "pgconsolidate-backup"
MANIFEST_VERSION = 1
SUFFIX = ".manifest.json"
DEFAULT_DIR = Path(".pgconsolidate") / "backups"


@dataclass(frozen=True)
class Verification:
    ok: bool
    restored_on: str = ""  # scratch server (redacted)
    seconds: float = 0.0
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class BackupManifest:
    file: str  # the dump's file name, relative to the manifest's directory
    sha256: str
    size: int
    server_version: int
    server_version_text: str
    database: str
    source: str  # redacted URL
    row_counts: dict[str, int]
    catalog_fingerprint: str
    created_at: str  # ISO 8601 UTC
    tool_version: str
    pg_dump: str
    purpose: str = "backup"  # "backup", "before-apply", "before-rollback"
    verification: Verification = field(default_factory=lambda: Verification(ok=False))

    def to_json(self) -> str:
        doc: dict[str, Any] = {"schema_version": MANIFEST_VERSION, "format": MANIFEST_FORMAT, **asdict(self)}
        doc["verification"]["problems"] = list(self.verification.problems)
        return json.dumps(doc, indent=1, sort_keys=False) + "\n"


def sha256_file(path: Path, chunk: int = 4 * 2**20) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def manifest_path_for(dump: Path) -> Path:
    return dump.with_name(dump.name.removesuffix(".dump") + SUFFIX)


def catalog_path_for(dump: Path) -> Path:
    return dump.with_name(dump.name.removesuffix(".dump") + ".catalog.json")


def read_manifest(path: Path) -> BackupManifest:
    """Read a manifest (``path`` may also name the dump itself); malformed → :class:`InputError`."""
    if path.name.endswith(".dump"):
        path = manifest_path_for(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no backup manifest there (a backup is a .dump with a {SUFFIX})") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the backup manifest: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
        raise InputError(f"{path}: not a pgconsolidate backup manifest")
    if doc.get("schema_version") != MANIFEST_VERSION:
        version = doc.get("schema_version")
        raise InputError(f"{path}: backup manifest schema_version {version!r} is not supported")
    try:
        ver = doc.pop("verification")
        doc.pop("schema_version")
        doc.pop("format")
        verification = Verification(
            ok=bool(ver["ok"]),
            restored_on=str(ver.get("restored_on", "")),
            seconds=float(ver.get("seconds", 0.0)),
            problems=tuple(str(p) for p in ver.get("problems", ())),
        )
        return BackupManifest(**doc, verification=verification)
    except (KeyError, TypeError) as exc:
        raise InputError(f"{path}: malformed backup manifest ({exc})") from None


def dump_path(manifest_file: Path, manifest: BackupManifest) -> Path:
    return manifest_file.parent / manifest.file


def verify_file(manifest_file: Path, manifest: BackupManifest) -> list[str]:
    """Problems with the dump file against its manifest (missing, size or sha256 differ)."""
    dump = dump_path(manifest_file, manifest)
    if not dump.exists():
        return [f"{dump}: the backup file is missing"]
    if dump.stat().st_size != manifest.size:
        return [f"{dump}: size {dump.stat().st_size} differs from the manifest's {manifest.size}"]
    if sha256_file(dump) != manifest.sha256:
        return [f"{dump}: sha256 differs from the manifest (the file changed or is corrupt)"]
    return []


def list_backups(directory: Path, database: str | None = None) -> list[tuple[Path, BackupManifest]]:
    """Backups in ``directory`` (optionally of ``database`` only), oldest first."""
    found: list[tuple[Path, BackupManifest]] = []
    if not directory.is_dir():
        return found
    for path in directory.glob(f"*{SUFFIX}"):
        try:
            m = read_manifest(path)
        except InputError:
            continue
        if database is None or m.database == database:
            found.append((path, m))
    found.sort(key=lambda pm: (pm[1].created_at, pm[0].name))
    return found


def latest_backup(
    directory: Path, database: str, *, purposes: tuple[str, ...] = ("backup", "before-apply")
) -> tuple[Path, BackupManifest] | None:
    """The newest verified backup of ``database`` (safety backups taken by rollback are skipped)."""
    candidates = [pm for pm in list_backups(directory, database) if pm[1].purpose in purposes]
    verified = [pm for pm in candidates if pm[1].verification.ok]
    return verified[-1] if verified else None
