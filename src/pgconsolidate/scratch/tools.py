"""Run PostgreSQL client binaries (pg_dump, pg_restore, psql) without credentials on the command line.

The connection URL is split with libpq's own parser: the password goes into ``PGPASSWORD`` in the child's
environment, everything else into a conninfo string passed as ``--dbname``. Error output is redacted
and reduced to its first meaningful lines before it reaches the user.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pgconsolidate.errors import DatabaseError, InputError
from pgconsolidate.redact import redact_text


def split_url(url: str) -> tuple[str, dict[str, str]]:
    """``url`` as (conninfo without password, extra environment for the child process)."""
    try:
        params = {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}
    except Exception as exc:  # psycopg raises ProgrammingError for malformed conninfo
        raise InputError(f"invalid database URL: {redact_text(str(exc))}") from None
    env: dict[str, str] = {}
    password = params.pop("password", None)
    if password:
        env["PGPASSWORD"] = password
    return make_conninfo(**params), env


def first_lines(text: str, limit: int = 3) -> str:
    """The first ``limit`` non-empty lines of tool output, joined, redacted."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return redact_text(" | ".join(lines[:limit]))


def _command(binary: Path, args: Sequence[str], url: str | None) -> tuple[list[str], dict[str, str]]:
    """argv and environment for ``binary args... --dbname=<conninfo>`` (credentials in the environment)."""
    env = dict(os.environ)
    argv = [str(binary), *args]
    if url is not None:
        conninfo, extra = split_url(url)
        env.update(extra)
        argv.append(f"--dbname={conninfo}")
    return argv, env


def run_tool(
    binary: Path,
    args: Sequence[str],
    url: str | None,
    *,
    what: str,
    stdin: int | None = None,
    stdout: int | None = subprocess.PIPE,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``binary args... --dbname=<conninfo>``; raise :class:`DatabaseError` naming ``what`` on failure."""
    argv, env = _command(binary, args, url)
    try:
        proc = subprocess.run(argv, env=env, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, check=False)
    except OSError as exc:
        raise InputError(f"cannot run {binary}: {exc.strerror}") from None
    if check and proc.returncode != 0:
        message = first_lines(proc.stderr.decode("utf-8", "replace"))
        raise DatabaseError(f"{what} failed ({binary.name} exit {proc.returncode}): {message}")
    return proc


def spawn_tool(binary: Path, args: Sequence[str], url: str | None) -> subprocess.Popen[bytes]:
    """Start ``binary`` in the background (same credential handling as :func:`run_tool`)."""
    argv, env = _command(binary, args, url)
    try:
        return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except OSError as exc:
        raise InputError(f"cannot run {binary}: {exc.strerror}") from None
