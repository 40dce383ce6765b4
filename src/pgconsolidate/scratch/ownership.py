"""Who made each scratch database, and sweeping the ones whose maker is gone (I/O).

A run that is killed (SIGKILL, power loss, a closed laptop lid) never reaches the ``finally`` that drops its
scratch database. So every ``pgc_scratch_*`` database carries its creator in its ``COMMENT``: host, process
id, the process's start (boot id and start time, so that a recycled pid is not mistaken for the creator)
and whether it is meant to be kept (``replay --keep``). Creating a new scratch database first drops the
leaked ones: same host, creator no longer running (pid gone, or the pid now belongs to a process that
started at another time), not kept, and nobody connected to it (``pg_stat_activity``; the drop itself is
a plain ``DROP DATABASE``, which refuses if someone connected in between). A database without such a
comment, of another host, or whose creator cannot be judged is never touched. What was swept is said on
stderr.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

MARK = "pgconsolidate scratch database "


@dataclass(frozen=True)
class Creator:
    """The process that created a scratch database."""

    host: str
    pid: int
    start: str | None  # "<boot id>:<start time in clock ticks>" where the OS tells it, else None
    keep: bool = False
    pidns: str | None = None  # the pid namespace ("pid:[4026531836]"): containers on one host differ

    def comment(self) -> str:
        doc = {
            "host": self.host,
            "pid": self.pid,
            "start": self.start,
            "keep": self.keep,
            "pidns": self.pidns,
        }
        return MARK + json.dumps(doc, sort_keys=True)


def parse_comment(comment: str | None) -> Creator | None:
    """The creator recorded in a database comment (None when it is not one of ours or unreadable)."""
    if not comment or not comment.startswith(MARK):
        return None
    try:
        doc = json.loads(comment[len(MARK) :])
        host, pid, start, keep = doc["host"], doc["pid"], doc.get("start"), doc.get("keep", False)
        pidns = doc.get("pidns")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(host, str) or not isinstance(pid, int) or not isinstance(keep, bool):
        return None
    return Creator(
        host, pid, start if isinstance(start, str) else None, keep, pidns if isinstance(pidns, str) else None
    )


@cache
def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip() or None
    except OSError:
        return None


def process_start(pid: int) -> str | None:
    """When process ``pid`` started, as ``<boot id>:<ticks since boot>`` (Linux ``/proc``); None when
    unknown."""
    boot = _boot_id()
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    # after "pid (comm)": state is field 3, starttime field 22 (proc(5))
    if boot is None or len(fields) < 20:
        return None
    return f"{boot}:{fields[19]}"


def host_name() -> str:
    return socket.gethostname()


@cache
def pid_namespace() -> str | None:
    """This process's pid namespace (Linux), so that a process of another container on the same host,
    whose pids this one cannot see, is never judged gone."""
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return None


def this_process(*, keep: bool = False) -> Creator:
    pid = os.getpid()
    return Creator(host_name(), pid, process_start(pid), keep, pid_namespace())


def _pid_exists(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return True
    return True


def creator_gone(creator: Creator, *, host: str | None = None) -> bool:
    """True only when ``creator`` certainly no longer runs: on this host, and its pid is gone or now
    belongs to a process that started at another time (or in another boot)."""
    if creator.host != (host or host_name()):
        return False
    if creator.pidns != pid_namespace():
        return False  # another container's (or an unknown) pid space: its processes are not visible here
    boot = _boot_id()
    if creator.start is not None and boot is not None and not creator.start.startswith(boot + ":"):
        return True  # made before the last boot: nothing of that boot runs any more
    if not _pid_exists(creator.pid):
        return True
    if creator.start is None:
        return False
    now = process_start(creator.pid)
    return now is not None and now != creator.start


def mark(conn: psycopg.Connection[Any], dbname: str, *, keep: bool = False) -> None:
    """Record this process as the creator of ``dbname`` (its ``COMMENT``); ``keep``: the user asked to
    keep it (``replay --keep``), so it is never swept."""
    conn.execute(
        sql.SQL("COMMENT ON DATABASE {} IS {}").format(
            sql.Identifier(dbname), sql.Literal(this_process(keep=keep).comment())
        )
    )


@dataclass(frozen=True)
class Swept:
    """A leaked scratch database that was dropped, and who had made it."""

    name: str
    creator: Creator


_CANDIDATES = """
SELECT d.datname, pg_catalog.shobj_description(d.oid, 'pg_database'),
       EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.datname = d.datname)
FROM pg_catalog.pg_database d
WHERE d.datname LIKE %s AND NOT d.datistemplate
ORDER BY d.datname
"""


def sweep(conn: psycopg.Connection[Any], prefix: str) -> list[Swept]:
    """Drop the leaked ``prefix*`` databases (see the module docstring); ``conn`` is in autocommit."""
    like = prefix.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%"
    swept: list[Swept] = []
    here = host_name()
    for name, comment, in_use in conn.execute(_CANDIDATES, [like]).fetchall():
        creator = parse_comment(comment)
        if creator is None or creator.keep or in_use or not creator_gone(creator, host=here):
            continue
        try:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(str(name))))
        except psycopg.Error:
            continue  # someone connected in between, or no right to drop it: leave it
        swept.append(Swept(str(name), creator))
    if swept:
        from pgconsolidate.console import err

        listed = ", ".join(f"{s.name} (pid {s.creator.pid})" for s in swept)
        err.print(
            f"swept {len(swept)} leaked scratch database(s) whose creating process on {here} is gone: "
            + listed,
            markup=False,
            highlight=False,
        )
    return swept
