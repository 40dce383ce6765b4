"""Benchmark: pgconsolidate backup (pg_dump -Fc + restore verification + manifest) vs plain pg_dump -Fc.

Generates a database of about ``--size-mb`` MB on the embedded PostgreSQL (server-side
generate_series: a table with a vector(1536) column and a narrow text table), then times

* the floor: ``pg_dump -Fc`` of it, and
* ``take_backup``: the same dump in an exported snapshot with exact row counts taken alongside, then a
  ``pg_restore -j 2`` into a scratch database, catalog + row-count comparison, manifest.

Target (issue 7): backup + verify within 3x of the floor.  Usage::

    .venv/bin/python bench/backup.py --size-mb 1024
"""

from __future__ import annotations

import sys

# bench/ holds scripts named like stdlib modules (inspect.py): never import from the script's directory.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from pgconsolidate.db.connect import connection  # noqa: E402
from pgconsolidate.deploy.backup import take_backup  # noqa: E402
from pgconsolidate.deploy.tools import split_url  # noqa: E402
from pgconsolidate.scratch import get_scratch_server, throwaway_database, tool_path  # noqa: E402

VECTOR_ROW_BYTES = 1536 * 4 + 8 + 40  # vector payload, header, tuple overhead (about)
TEXT_ROW_BYTES = 120


def generate(url: str, size_mb: int) -> tuple[int, int]:
    vec_rows = int(size_mb * 0.6 * 2**20 / VECTOR_ROW_BYTES)
    text_rows = int(size_mb * 0.4 * 2**20 / TEXT_ROW_BYTES)
    with connection(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute(
            "CREATE TABLE items (id bigint PRIMARY KEY, title text NOT NULL, embedding vector(1536))"
        )
        conn.execute("CREATE TABLE events (id bigint PRIMARY KEY, kind text, payload text, at timestamptz)")
        step = 20000
        for start in range(1, vec_rows + 1, step):
            conn.execute(
                "INSERT INTO items SELECT g, 'item ' || g, "
                "(SELECT array_agg(random()::real) FROM generate_series(1, 1536) WHERE g > 0)::vector "
                "FROM generate_series(%s::bigint, %s::bigint) g",
                (start, min(vec_rows, start + step - 1)),
            )
        conn.execute(
            "INSERT INTO events SELECT g, (ARRAY['a','b','c'])[1 + g %% 3], "
            "md5(g::text) || md5((g * 7)::text), now() - g * interval '1 second' "
            "FROM generate_series(1, %s::bigint) g",
            (text_rows,),
        )
        conn.execute("VACUUM ANALYZE")
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    assert row is not None
    return vec_rows + text_rows, int(row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="approximate database size (default 1024)")
    args = parser.parse_args()
    server = get_scratch_server()
    with throwaway_database(server) as url, tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        t0 = time.monotonic()
        rows, size = generate(url, args.size_mb)
        print(f"generated {rows} rows, database size {size / 2**20:.0f} MiB in {time.monotonic() - t0:.1f}s")
        conninfo, env = split_url(url)
        pg_dump = tool_path("pg_dump", server.major)
        t0 = time.monotonic()
        subprocess.run(
            [str(pg_dump), "-Fc", "-f", str(Path(tmp) / "floor.dump"), f"--dbname={conninfo}"],
            check=True, env={**os.environ, **env},
        )  # fmt: skip
        floor = time.monotonic() - t0
        floor_size = (Path(tmp) / "floor.dump").stat().st_size
        t0 = time.monotonic()
        backup = take_backup(url, out_dir=Path(tmp) / "ours")
        ours = time.monotonic() - t0
        v = backup.manifest.verification
        print(f"plain pg_dump -Fc (floor):        {floor:7.1f}s  ({floor_size / 2**20:.0f} MiB)")
        print(f"pgconsolidate backup + verify:    {ours:7.1f}s  (verification {v.seconds:.1f}s, ok={v.ok})")
        print(f"ratio: {ours / floor:.2f}x the floor (target: within 3x)")


if __name__ == "__main__":
    main()
