"""Replay speed on the bundled example, side by side with plain ``psql -f`` (the floor).

Figures printed:
* cold: ``pgconsolidate replay`` in a fresh process with a fresh ``PGCONSOLIDATE_CACHE_DIR`` (embedded
  server initialised and started, Supabase template built), and in a fresh process with the server's
  data directory already there (server start included);
* cold replay + compare: ``pgconsolidate compare DIR DIR`` in a fresh process (two replays, two snapshots);
* warm: ``replay_dir`` in this process on the running server (database creation and drop included);
* floor: ``psql -X -q -f`` of every file, one psql process, into a fresh database cloned from the same
  Supabase template, on the same server (psql commits each statement; a second floor turns
  ``synchronous_commit`` off so that commit fsyncs do not count). Database creation and drop are timed
  on both sides.

Targets (issue 5): warm replay within 2x of psql; cold replay + compare under 5 s.
Run: ``.venv/bin/python bench/replay.py``
"""

from __future__ import annotations

import os
import sys

# bench/inspect.py would shadow the standard library's inspect module: drop this directory from the path
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from pgconsolidate.replay import replay_dir  # noqa: E402
from pgconsolidate.scratch import get_scratch_server, tool_path  # noqa: E402
from pgconsolidate.scratch.databases import database_name, drop_database  # noqa: E402
from pgconsolidate.scratch.supabase import supabase_database  # noqa: E402
from pgconsolidate.sources.reader import read_dir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ai-memory" / "supabase" / "migrations"
CLI = [sys.executable, "-m", "pgconsolidate"]
RUNS = 5


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, proc.returncode


def cold() -> None:
    with tempfile.TemporaryDirectory(prefix="pgc-bench-") as cache:
        env = {**os.environ, "PGCONSOLIDATE_CACHE_DIR": cache}
        replay = [*CLI, "replay", str(EXAMPLE), "--keep-going", "--format", "json"]
        first, code = _timed(replay, env)
        print(f"cold, fresh cache (initdb + start + template + replay): {first:6.2f} s  (exit {code})")
        second, code = _timed(replay, env)
        print(f"cold process, server data present (start + replay):     {second:6.2f} s  (exit {code})")
        both, code = _timed([*CLI, "compare", str(EXAMPLE), str(EXAMPLE)], env)
        print(
            f"cold replay + compare (compare DIR DIR, fresh process):  {both:6.2f} s  (exit {code})  (< 5 s)"
        )


def warm() -> tuple[float, float, float]:
    server = get_scratch_server()
    mdir = read_dir(str(EXAMPLE))
    replay_dir(mdir, server, keep_going=True)  # template and caches
    ours = []
    for _ in range(RUNS):
        started = time.perf_counter()
        replay_dir(mdir, server, keep_going=True)
        ours.append(time.perf_counter() - started)
    psql = tool_path("psql", server.major)
    files = [str(EXAMPLE / f.path) for f in mdir.files]
    floors = []
    for options in ("", "-c synchronous_commit=off"):
        env = {**os.environ, "PGOPTIONS": options}
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            url = supabase_database(server)
            argv = [str(psql), "-X", "-q", "-d", url]
            for f in files:
                argv += ["-f", f]
            subprocess.run(argv, capture_output=True, text=True, env=env)
            drop_database(server, database_name(url))
            times.append(time.perf_counter() - started)
        floors.append(statistics.median(times))
    return statistics.median(ours), floors[0], floors[1]


def main() -> None:
    print(f"bundled example: {EXAMPLE.relative_to(ROOT)} ({len(read_dir(str(EXAMPLE)).files)} files)")
    ours, floor, nosync = warm()
    print(f"warm replay (keep-going, savepoints, analysis), median of {RUNS}: {ours:6.3f} s")
    print(f"psql -f of the same files (floor), median of {RUNS}:             {floor:6.3f} s")
    print(f"psql -f with synchronous_commit=off, median of {RUNS}:           {nosync:6.3f} s")
    print(f"ratio: {ours / floor:4.2f}x of psql, {ours / nosync:4.2f}x of psql without fsyncs (target <= 2x)")
    cold()


if __name__ == "__main__":
    main()
