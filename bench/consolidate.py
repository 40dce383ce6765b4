"""Benchmark: consolidate + verify of the bundled example, and a large merge against its floor.

    .venv/bin/python bench/consolidate.py [--rows 1000000] [--skip-example] [--skip-merge]

1. The bundled example end to end (plan, consolidate with proof, verify): target under 15 s.
2. The merge of a generated table of ``--rows`` rows with vector(1536) embeddings (10 % of its keys
   collide with the target's) into its canonical table, as the consolidation fix does it (collision map,
   new keys, origin recorded for every row, counts checked), against a plain ``INSERT … SELECT`` of the
   same rows into the same target on the same server (the floor): target within 1.5× of the floor.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/ holds a script named like a stdlib module (inspect.py): keep this directory off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from psycopg import sql  # noqa: E402

from pgconsolidate.catalog.reader import read_snapshot  # noqa: E402
from pgconsolidate.db.connect import connection  # noqa: E402
from pgconsolidate.generate.fix import merge_step  # noqa: E402
from pgconsolidate.plan.model import ColumnMap, Merge, Plan  # noqa: E402
from pgconsolidate.plan.toml_write import write_plan  # noqa: E402
from pgconsolidate.scratch import get_scratch_server, throwaway_database  # noqa: E402
from pgconsolidate.verify.pipeline import consolidate, make_plan, verify_outdir  # noqa: E402
from pgconsolidate.verify.replay import run_script  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ai-memory" / "supabase" / "migrations"

SETUP = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE pool AS
  SELECT p AS i,
         (SELECT array_agg(random())::real[] FROM generate_series(1, 1536) WHERE p > 0)::vector(1536) AS v
  FROM generate_series(0, 999) p;
CREATE TABLE target (
  id uuid PRIMARY KEY, body text NOT NULL, metadata jsonb NOT NULL DEFAULT '{}',
  embedding vector(1536), created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE source (LIKE target INCLUDING ALL);
"""


def example() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pgc-bench-"))
    try:
        t0 = time.perf_counter()
        plan = make_plan(str(EXAMPLE), None)
        plan_path = tmp / "plan.toml"
        plan_path.write_text(write_plan(plan))
        t1 = time.perf_counter()
        res = consolidate(str(EXAMPLE), plan_path, tmp / "out")
        t2 = time.perf_counter()
        ver = verify_outdir(tmp / "out")
        t3 = time.perf_counter()
        print(
            f"example end to end: {t3 - t0:.1f} s (plan {t1 - t0:.1f} s, consolidate+proof {t2 - t1:.1f} s, "
            f"verify {t3 - t2:.1f} s); differences {len(res.differences)}, verify "
            f"ok={ver['ok']}; target < 15 s"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _fill(url: str, table: str, start: int, rows: int) -> None:
    with connection(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "INSERT INTO {} (id, body, embedding) "
                "SELECT ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, 'row ' || g, "
                "(SELECT v FROM pool WHERE i = g %% 1000) FROM generate_series(%s::int, %s::int) g"
            ).format(sql.Identifier(table)),
            (start, start + rows - 1),
        )
        conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))


def merge(rows: int) -> None:
    server = get_scratch_server()
    target_rows = max(rows // 10, 1)
    overlap = max(rows // 10, 1)
    times = {}
    for mode in ("floor", "pgconsolidate"):
        with throwaway_database(server) as url:
            with connection(url, autocommit=True) as conn:
                conn.execute(SETUP.encode())
            _fill(url, "target", 1, target_rows)
            # the floor's source has no colliding key (a plain INSERT … SELECT would fail on them)
            _fill(url, "source", target_rows + 1 if mode == "floor" else target_rows - overlap + 1, rows)
            if mode == "floor":
                q = (
                    "INSERT INTO target (id, body, metadata, embedding, created_at) "
                    "SELECT id, body, metadata, embedding, created_at FROM source"
                )
                t = time.perf_counter()
                with connection(url, autocommit=True) as conn:
                    conn.execute(q)
                times[mode] = time.perf_counter() - t
            else:
                snap = read_snapshot(url)
                m = Merge(
                    "public.source", "public.target", "id", "uuid", "keep-both", True,
                    tuple(ColumnMap(c, c) for c in ("body", "metadata", "embedding", "created_at")),
                )  # fmt: skip
                plan = Plan("bench", "supabase", (), merges=(m,))
                script = "BEGIN;\n" + merge_step(m, 1, plan, snap) + "COMMIT;\n"
                t = time.perf_counter()
                run_script(url, script, "merge")
                times[mode] = time.perf_counter() - t
                with connection(url) as conn:
                    n = conn.execute("SELECT count(*) FROM target").fetchone()
                    o = conn.execute(
                        "SELECT count(*) FILTER (WHERE key_changed) FROM target_merge_origin"
                    ).fetchone()
                assert n and n[0] == target_rows + rows, n
                print(
                    f"  merged {rows} rows into {target_rows}: {n[0]} rows after, {o[0] if o else 0} new keys"
                )
    ratio = times["pgconsolidate"] / times["floor"]
    print(
        f"merge of {rows} vector(1536) rows: pgconsolidate {times['pgconsolidate']:.1f} s, plain "
        "INSERT … SELECT "
        f"{times['floor']:.1f} s: {ratio:.2f}× the floor (target ≤ 1.5×)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--skip-example", action="store_true")
    ap.add_argument("--skip-merge", action="store_true")
    args = ap.parse_args()
    if not args.skip_example:
        example()
    if not args.skip_merge:
        merge(args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
