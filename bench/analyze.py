"""Benchmark: analysing a large migrations directory, pgconsolidate against squawk, same corpus, same run.

Generates a synthetic Supabase-style corpus (default 10,000 files, ~170,000 statements: tables with
foreign keys and vector columns, indexes, RLS and policies, PL/pgSQL and SQL functions, ALTERs, grants,
comments, reference data) in a temp directory, then times, each in its own child process:

* ``squawk`` (PyPI ``squawk-cli``) linting every file (its default, text output),
* ``pgconsolidate analyze DIR`` (the default command a user runs, text output: read, split, model, all
  rules, findings grouped by rule and the summary table),
* ``pgconsolidate analyze DIR --format json`` (the same plus every object's timeline: a ~100 MB document),
* the model driver alone, as the CLI drives it (``pgconsolidate.report.analyze.directory_model``: list,
  then read + split + effects + fold, reading shared between the processes), with 2
  processes (the default on 2 cores) and with 1 (``--no-serial`` skips that one),

and prints wall time, the ratio to squawk, CPU seconds (user + system of the whole process tree: a
figure that a busy shared machine distorts less than wall time; also split into user and system time,
which holds the page faults of forked helpers), the 1-minute load average when the timed run started
(above the core count, other work shared the cores and the wall times say little), and the peak RSS of
each child (max RSS of the largest process of the child's tree, from ``getrusage(RUSAGE_CHILDREN)`` in a
fresh wrapper).
Targets: no slower than squawk, under 20 s, peak memory under 1 GB on 2 cores.

Run: ``.venv/bin/python bench/analyze.py [--files N] [--keep DIR]`` (needs the bench extra).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

_WRAPPER = r"""
import resource, subprocess, sys, time
limit_mb, timeout = int(sys.argv[1]), float(sys.argv[2])
def cap():
    if limit_mb > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))
t = time.perf_counter()
try:
    p = subprocess.run(sys.argv[3:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=cap,
                       timeout=timeout)
    code, err = p.returncode, p.stderr
except subprocess.TimeoutExpired as exc:
    code, err = -9, (exc.stderr or b"") + b"timed out"
wall = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall} {usage.ru_maxrss} {code} {usage.ru_utime + usage.ru_stime} {usage.ru_utime} {usage.ru_stime}")
sys.stderr.write(err.decode(errors="replace")[-2000:])
"""

_DRIVER = r"""
import sys
from pgconsolidate.report.analyze import directory_model
from pgconsolidate.sources.reader import resolve_dir
# as the CLI makes it: a flat directory is listed, then read on the way by the process taking each chunk
a = directory_model(resolve_dir(sys.argv[1]), workers=int(sys.argv[2]))
n = sum(len(f.statements) for f in a.files)
print(n, len(a.schema.objects), file=sys.stderr)
"""


def _table(rng: random.Random, i: int) -> list[str]:
    t = f"t{i}"
    ref = f", parent_id bigint REFERENCES public.t{i - 1} (id) ON DELETE CASCADE" if i else ""
    dims = rng.choice((384, 768, 1536))
    return [
        f"CREATE TABLE IF NOT EXISTS public.{t} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
        f"  user_id uuid NOT NULL REFERENCES auth.users (id),\n  title text NOT NULL,\n"
        f"  body text,\n  score double precision DEFAULT 0,\n  embedding vector({dims}),\n"
        f"  meta jsonb NOT NULL DEFAULT '{{}}'::jsonb,\n"
        f"  created_at timestamptz NOT NULL DEFAULT now(){ref}\n)",
        f"CREATE INDEX IF NOT EXISTS {t}_user_idx ON public.{t} (user_id, created_at DESC)",
        f"CREATE INDEX IF NOT EXISTS {t}_embedding_idx ON public.{t}\n"
        "  USING hnsw (embedding vector_cosine_ops)",
        f"ALTER TABLE public.{t} ENABLE ROW LEVEL SECURITY",
        f'CREATE POLICY "{t} owners read" ON public.{t} FOR SELECT TO authenticated\n'
        f"  USING ((SELECT auth.uid()) = user_id)",
        f'CREATE POLICY "{t} owners write" ON public.{t} FOR INSERT TO authenticated\n'
        f"  WITH CHECK (auth.uid() = user_id AND title <> '')",
        f"ALTER TABLE public.{t} ADD COLUMN IF NOT EXISTS tags text[] DEFAULT '{{}}'",
        f"COMMENT ON TABLE public.{t} IS 'Table number {i}'",
    ]


def _functions(rng: random.Random, i: int) -> list[str]:
    t = f"t{i}"
    return [
        f"CREATE OR REPLACE FUNCTION public.search_{t}(query_embedding vector, match_count int DEFAULT 10)\n"
        f"RETURNS TABLE (id bigint, title text, similarity double precision)\nLANGUAGE plpgsql STABLE\n"
        f"SECURITY DEFINER SET search_path = public, extensions\nAS $$\nDECLARE\n  n int := 0;\nBEGIN\n"
        f"  IF match_count < 1 THEN\n    RAISE EXCEPTION 'bad count %', match_count;\n  END IF;\n"
        f"  RETURN QUERY\n    SELECT x.id, x.title, 1 - (x.embedding <=> query_embedding)\n"
        f"    FROM public.{t} x WHERE x.user_id = auth.uid()\n"
        f"    ORDER BY x.embedding <=> query_embedding LIMIT match_count;\n"
        f"  GET DIAGNOSTICS n = ROW_COUNT;\n  PERFORM public.touch_{t}(n);\nEND;\n$$",
        f"CREATE OR REPLACE FUNCTION public.count_{t}(uid uuid) RETURNS bigint\nLANGUAGE sql STABLE\n"
        f"AS $$ SELECT count(*) FROM public.{t} WHERE user_id = uid $$",
        f"CREATE OR REPLACE FUNCTION public.touch_{t}(n integer) RETURNS void LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  UPDATE public.{t} SET score = score + {rng.randint(1, 9)} WHERE id = n;\nEND;\n$$",
        f"GRANT SELECT, INSERT ON public.{t} TO authenticated",
        f"GRANT EXECUTE ON FUNCTION public.search_{t}(vector, integer) TO authenticated, anon",
        f"REVOKE ALL ON FUNCTION public.count_{t}(uuid) FROM public",
        f"ALTER FUNCTION public.count_{t}(uuid) SET search_path = public",
        f"INSERT INTO public.settings (key, value) VALUES ('t{i}.enabled', 'true'), ('t{i}.limit', '{i}')\n"
        f"  ON CONFLICT (key) DO NOTHING",
        f"ALTER TABLE public.{t} ALTER COLUMN score SET NOT NULL",
    ]


def generate(root: Path, files: int, seed: int = 7) -> int:
    """Write the corpus; returns the number of statements written."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    total = 0
    head = [
        "CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA extensions",
        "CREATE TABLE IF NOT EXISTS public.settings (key text PRIMARY KEY, value text NOT NULL)",
    ]
    for i in range(files):
        stmts = (head if i == 0 else []) + _table(rng, i) + _functions(rng, i)
        version = 20240101000000 + i * 100
        (root / f"{version}_step_{i}.sql").write_text(
            f"-- migration {i}\n" + ";\n\n".join(stmts) + ";\n", encoding="utf-8"
        )
        total += len(stmts)
    return total


class Run(NamedTuple):
    """One timed run: wall seconds, peak RSS in KiB, exit code, CPU seconds of the process tree (and its
    user and system parts), the 1-minute load average just before the run, stderr tail."""

    wall: float
    rss: int
    code: int
    cpu: float
    user: float
    system: float
    load: float
    err: str


def measure(cmd: list[str], limit_mb: int = 0, timeout: float = 600) -> Run:
    """:class:`Run` of ``cmd`` run in a fresh wrapper, with its address space capped at ``limit_mb``
    (0: no cap) and killed after ``timeout`` seconds."""
    load = os.getloadavg()[0]
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(limit_mb), str(timeout), *cmd],
        capture_output=True,
        text=True,
        check=True,
    )
    wall, rss, code, cpu, user, system = proc.stdout.split()
    return Run(float(wall), int(rss), int(code), float(cpu), float(user), float(system), load, proc.stderr)


def byte_compile() -> str:
    """Byte-compile the pgconsolidate package in place, as ``pip install`` does for an installed one: an
    editable install run with ``PYTHONDONTWRITEBYTECODE`` set (as on this machine) would otherwise compile
    every module from source on each run, ~0.1 s before the analysis can fork its helper. Python checks
    each ``.pyc`` against its source, so a stale one is never used."""
    import compileall

    import pgconsolidate

    package = Path(pgconsolidate.__file__).parent
    compileall.compile_dir(package, quiet=1)
    return str(package)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--keep", help="write the corpus here and keep it")
    ap.add_argument("--memory-limit-mb", type=int, default=4096, help="address-space cap per tool (0: none)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before a tool is stopped")
    ap.add_argument("--skip-command", action="store_true", help="do not time `pgconsolidate analyze`")
    ap.add_argument("--repeat", type=int, default=1, help="time each tool this many times, keep the fastest")
    ap.add_argument("--no-serial", action="store_true", help="do not time the driver in a single process")
    args = ap.parse_args()
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="pgc-bench-"))
    corpus = tmp / "migrations"
    try:
        t0 = time.perf_counter()
        n = generate(corpus, args.files)
        size = sum(p.stat().st_size for p in corpus.iterdir())
        print(
            f"corpus: {args.files} files, {n} statements, {size / 1e6:.1f} MB"
            f" (generated in {time.perf_counter() - t0:.1f} s); cores: {os.cpu_count()}"
        )
        print(f"byte-compiled {byte_compile()} (as pip install does)")
        bindir = Path(sys.executable).parent
        squawk = shutil.which("squawk", path=str(bindir)) or shutil.which("squawk")
        results: dict[str, Run] = {}
        files = sorted(str(p) for p in corpus.iterdir())

        def best(cmd: list[str], limit_mb: int = 0) -> Run:
            """The fastest of ``--repeat`` runs of ``cmd``."""
            runs = [measure(cmd, limit_mb, args.timeout) for _ in range(max(1, args.repeat))]
            return min(runs, key=lambda r: r.wall)

        if squawk:
            results["squawk"] = best([squawk, *files])
        else:
            print("squawk not found: pip install squawk-cli (bench extra)")
        pgc = str(bindir / "pgconsolidate")
        limit = args.memory_limit_mb
        if not args.skip_command:
            for label, extra in (
                ("pgconsolidate analyze", []),
                ("pgconsolidate analyze --format json", ["--format", "json"]),
            ):
                run = results[label] = best([pgc, "analyze", str(corpus), *extra], limit)
                if run.code not in (0, 1):
                    print(f"{label} failed (exit {run.code}): {run.err.strip()[-300:]}")
        for workers in (2,) if args.no_serial else (2, 1):
            cmd = [sys.executable, "-c", _DRIVER, str(corpus), str(workers)]
            label = "model driver, 2 processes" if workers == 2 else "model driver, 1 process"
            run = results[label] = best(cmd, limit)
            counts = run.err.strip().splitlines()[-1] if run.err.strip() else "?"
            print(f"{label}: statements, objects = {counts}")
        base = results["squawk"].wall if "squawk" in results else 0.0
        print(
            f"{'tool':<38} {'wall s':>8} {'vs squawk':>10} {'CPU s':>8} {'user s':>8} {'sys s':>7}"
            f" {'load':>5} {'peak RSS MB':>12} {'exit':>5}"
        )
        for name, r in results.items():
            ratio = f"{r.wall / base:.2f}x" if base else "-"
            print(
                f"{name:<38} {r.wall:>8.2f} {ratio:>10} {r.cpu:>8.2f} {r.user:>8.2f} {r.system:>7.2f}"
                f" {r.load:>5.1f} {r.rss / 1024:>12.0f} {r.code:>5}"
            )
        print(f"cores: {os.cpu_count()}; load: 1-minute load average when each timed run started")
        summary = {
            k: {
                "seconds": round(r.wall, 3),
                "cpu_seconds": round(r.cpu, 3),
                "user_seconds": round(r.user, 3),
                "system_seconds": round(r.system, 3),
                "load_average": round(r.load, 2),
                "peak_rss_mb": round(r.rss / 1024),
            }
            for k, r in results.items()
        }
        print(json.dumps({"schema_version": 1, "files": args.files, "statements": n, "results": summary}))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
