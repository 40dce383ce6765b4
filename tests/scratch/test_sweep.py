"""Scratch databases leaked by killed runs (SIGKILL, power loss) are swept when the next one is created."""

from __future__ import annotations

import functools
import os
import subprocess
import sys

import psycopg
from psycopg import sql

from pgconsolidate.scratch import create_database, drop_database
from pgconsolidate.scratch.databases import PREFIX, database_name, url_for
from pgconsolidate.scratch.ownership import (
    Creator,
    creator_gone,
    host_name,
    parse_comment,
    pid_namespace,
    process_start,
)
from pgconsolidate.scratch.server import ScratchServer

_ours = functools.partial(Creator, pidns=pid_namespace())  # a creator in this pid namespace

_KILLED = """
import os, signal
from pgconsolidate.scratch import get_scratch_server
from pgconsolidate.scratch.databases import create_database, database_name
url = create_database(get_scratch_server())
print(database_name(url), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _exists(server: ScratchServer, name: str) -> bool:
    with psycopg.connect(server.admin_url) as conn:
        row = conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,)).fetchone()
        return row == (1,)


def _comment(server: ScratchServer, name: str) -> str | None:
    with psycopg.connect(server.admin_url) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        return None if row is None else row[0]


def _leak(server: ScratchServer, creator: Creator) -> str:
    """A scratch database that claims ``creator`` made it."""
    name = database_name(create_database(server))
    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(creator.comment())
            )
        )
    return name


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    return int(proc.stdout)


def test_creator_is_recorded(scratch_server):
    url = create_database(scratch_server)
    name = database_name(url)
    try:
        creator = parse_comment(_comment(scratch_server, name))
        assert creator == Creator(
            host_name(), os.getpid(), process_start(os.getpid()), False, pid_namespace()
        )
        assert creator.start is not None
    finally:
        drop_database(scratch_server, name)


def test_database_of_a_killed_run_is_swept(scratch_server, capfd):
    env = {**os.environ, "PGCONSOLIDATE_SCRATCH_URL": scratch_server.admin_url}
    proc = subprocess.run([sys.executable, "-c", _KILLED], capture_output=True, text=True, env=env)
    assert proc.returncode == -9
    leaked = proc.stdout.strip()
    assert leaked.startswith(PREFIX) and _exists(scratch_server, leaked)
    capfd.readouterr()
    new = database_name(create_database(scratch_server))
    try:
        assert not _exists(scratch_server, leaked)
        err = capfd.readouterr().err
        assert "swept" in err and leaked in err
    finally:
        drop_database(scratch_server, new)
        drop_database(scratch_server, leaked)


def test_only_leaks_of_gone_creators_are_swept(scratch_server):
    dead = _dead_pid()
    me, start = os.getpid(), process_start(os.getpid())
    cases = {
        "dead pid": (_ours(host_name(), dead, None), True),
        "before the last boot": (_ours(host_name(), me, "not-this-boot:1"), True),
        "recycled pid (same pid, other start)": (_ours(host_name(), me, f"{start}0"), True),
        "alive": (_ours(host_name(), me, start), False),
        "kept": (_ours(host_name(), dead, None, keep=True), False),
        "other host": (_ours(host_name() + "-elsewhere", dead, None), False),
    }
    leaked = {label: _leak(scratch_server, creator) for label, (creator, _) in cases.items()}
    new = database_name(create_database(scratch_server))
    try:
        for label, (_, swept) in cases.items():
            assert _exists(scratch_server, leaked[label]) is not swept, label
    finally:
        for name in [new, *leaked.values()]:
            drop_database(scratch_server, name)


def test_database_in_use_is_not_swept(scratch_server):
    leaked = _leak(scratch_server, _ours(host_name(), _dead_pid(), None))
    try:
        with psycopg.connect(url_for(scratch_server.admin_url, leaked)) as conn:
            conn.execute("SELECT 1")
            new = database_name(create_database(scratch_server))
            assert _exists(scratch_server, leaked)
        drop_database(scratch_server, new)
    finally:
        drop_database(scratch_server, leaked)


def test_database_without_a_record_is_left_alone(scratch_server):
    name = PREFIX + "norecord" + str(os.getpid())
    with psycopg.connect(scratch_server.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    new = database_name(create_database(scratch_server))
    try:
        assert _exists(scratch_server, name)
    finally:
        drop_database(scratch_server, new)
        drop_database(scratch_server, name)


def test_creator_gone_is_conservative():
    me = _ours(host_name(), os.getpid(), None)
    assert not creator_gone(me)  # alive, start unknown: never judged gone
    assert not creator_gone(Creator("elsewhere", _dead_pid(), None))
    assert creator_gone(_ours(host_name(), _dead_pid(), None))
    assert parse_comment("something else") is None
    assert parse_comment("pgconsolidate scratch database {not json") is None


def test_replay_keep_marks_the_database_kept(scratch_server, tmp_path, capsys):
    from pgconsolidate.cli import run
    from pgconsolidate.replay.runner import replay_dir
    from pgconsolidate.sources.reader import read_dir

    (tmp_path / "001_a.sql").write_text("create table t (id int);\n")
    assert run(["replay", str(tmp_path), "--keep", "--scratch-url", scratch_server.admin_url]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("database kept: "))
    kept = database_name(line.removeprefix("database kept: ").strip())
    # a run that holds its database only until it is done (keep=True internally) is not "kept"
    held = replay_dir(read_dir(str(tmp_path)), scratch_server, keep=True)
    assert held.url is not None
    try:
        kept_by = parse_comment(_comment(scratch_server, kept))
        held_by = parse_comment(_comment(scratch_server, database_name(held.url)))
        assert kept_by is not None and kept_by.keep
        assert held_by is not None and not held_by.keep
    finally:
        drop_database(scratch_server, kept)
        drop_database(scratch_server, database_name(held.url))


def test_another_pid_namespace_is_never_judged():
    # a process of another container on this host: its pid is not visible here, it may well run
    other = _ours(host_name(), _dead_pid(), None, pidns="pid:[1]")
    assert not creator_gone(other)
    assert creator_gone(_ours(host_name(), _dead_pid(), None, pidns=pid_namespace()))
