"""Benchmark: how fast the command line starts, pgconsolidate side by side with ruff.

A user runs ``--version``, ``--help`` and ``<command> --help`` all the time; ruff answers in milliseconds.
Each case runs in its own child process ``--repeat`` times (default 7); the best wall time is printed
(the least disturbed by other work on a shared machine), with the median and the CPU seconds of the best
run. Then, for each command module, what importing it costs on top of the CLI (the CLI imports a command
module only when one of its commands runs, and all of them for ``--help``) and which expensive modules
(psycopg, pglast, the pipeline's stages) it drags in: a command module should import its stages inside
the command function.

Target: ``pgconsolidate --version`` at most 0.25 s wall.

Run: ``.venv/bin/python bench/cli_startup.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_VERSION_SECONDS = 0.25
BIN = Path(sys.executable).parent

_IMPORT_PROBE = """
import json, sys, time
import pgconsolidate.cli_app, pgconsolidate.console
before = set(sys.modules)
t = time.perf_counter()
import pgconsolidate.commands.{module}
seconds = time.perf_counter() - t
cheap = ("pgconsolidate.cli", "pgconsolidate.commands", "pgconsolidate.console", "pgconsolidate.errors",
         "pgconsolidate.redact")
new = sorted(set(sys.modules) - before)
expensive = sorted({{n.split(".")[0] if not n.startswith("pgconsolidate.") else ".".join(n.split(".")[:2])
                    for n in new
                    if n.split(".")[0] in ("psycopg", "pglast")
                    or (n.startswith("pgconsolidate.") and not n.startswith(cheap))}})
print(json.dumps({{"seconds": seconds, "expensive": expensive}}))
"""


def _run_once(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(argv: list[str], repeat: int) -> dict[str, float]:
    runs = [_run_once(argv) for _ in range(repeat)]
    best = min(runs)
    return {"best": best[0], "median": statistics.median(w for w, _ in runs), "cpu": best[1]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    pgc = str(BIN / "pgconsolidate")
    ruff = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")
    cases: list[tuple[str, list[str]]] = [
        ("python -c pass (the interpreter)", [sys.executable, "-c", "pass"])
    ]
    if ruff:
        cases += [("ruff --version", [ruff, "--version"]), ("ruff check --help", [ruff, "check", "--help"])]
    one_file = Path(tempfile.mkdtemp(prefix="pgc-startup-"))
    (one_file / "20240101000000_init.sql").write_text("create table public.a (id bigint primary key);\n")
    cases += [
        ("pgconsolidate --version", [pgc, "--version"]),
        ("pgconsolidate --help", [pgc, "--help"]),
        ("pgconsolidate replay --help", [pgc, "replay", "--help"]),
        ("pgconsolidate analyze --help", [pgc, "analyze", "--help"]),
        # the whole fixed cost of a real run: imports, option parsing, the pipeline on one statement
        ("pgconsolidate analyze (1 file)", [pgc, "analyze", str(one_file)]),
        ("pgconsolidate analyze (1 file) json", [pgc, "analyze", str(one_file), "--format", "json"]),
    ]
    print(f"{'case':<36} {'best s':>8} {'median s':>9} {'cpu s':>7}")
    results = {}
    for label, argv in cases:
        r = measure(argv, args.repeat)
        results[label] = r
        print(f"{label:<36} {r['best']:>8.3f} {r['median']:>9.3f} {r['cpu']:>7.3f}")
    if not ruff:
        print("(ruff not found next to this interpreter or on PATH: no peer figures)")
    probe = (
        "import sys\nfrom pgconsolidate.cli import run\n"
        f"run(['analyze', {str(one_file)!r}, '--format', 'json'])\n"
        "print(sorted(m for m in ('pydantic', 'psycopg', 'rich.table') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    imported = (done.stdout.strip().splitlines() or ["?"])[-1]
    print(f"of pydantic, psycopg, rich.table, a one-file analyze imported: {imported}")
    shutil.rmtree(one_file, ignore_errors=True)

    print("\nimporting each command module on top of the CLI (fresh interpreter, one run each):")
    commands = Path(__file__).resolve().parent.parent / "src" / "pgconsolidate" / "commands"
    env = dict(os.environ)
    for path in sorted(commands.glob("*.py")):
        if path.stem in ("__init__", "common"):
            continue
        proc = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE.format(module=path.stem)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            print(f"  {path.stem:<14} import failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        doc = json.loads(proc.stdout)
        heavy = ", ".join(doc["expensive"]) or "-"
        print(f"  {path.stem:<14} {doc['seconds']:>6.3f} s  expensive imports: {heavy}")

    version = results["pgconsolidate --version"]["best"]
    verdict = "met" if version <= TARGET_VERSION_SECONDS else "NOT met"
    print(f"\ntarget: --version <= {TARGET_VERSION_SECONDS} s: {verdict} ({version:.3f} s best)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
