"""check: the checklist fails loudly on a definer left or a broken probe; bad input is one line, exit 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pgconsolidate.deploy.apply import ApplyOptions, apply
from pgconsolidate.deploy.backup import take_backup
from pgconsolidate.deploy.checks import FAIL, PASS, SKIPPED, UserFunction, ambiguous, run_checks
from pgconsolidate.deploy.dbinfo import ServerFacts, check_space, refuse_recovery
from pgconsolidate.deploy.probes import load_probes, parse_probes
from pgconsolidate.deploy.source import read_source
from pgconsolidate.errors import DatabaseError, InputError

ROOT = Path(__file__).resolve().parents[2]

PROBES = """
[[probe]]
name = "search"
function = "public.search_memories"
args = ["memory 1", 5]
types = ["text", "integer"]
min_rows = 1

[[probe]]
name = "vector order uses no error"
sql = "SELECT id FROM public.memories ORDER BY embedding <-> '[1,2,3]' LIMIT 3"
min_rows = 3

[[probe]]
name = "division by zero is an error"
sql = "SELECT 1/0"
expect = "error"
error_contains = "division by zero"
"""


def by_name(results: list) -> dict:
    return {r.name: r for r in results}


def test_checks_on_a_clean_database(prod_db: str, tmp_path: Path, workdir: Path) -> None:
    (tmp_path / "probes.toml").write_text(PROBES)
    take_backup(prod_db)
    results = by_name(run_checks(prod_db, probes=load_probes(tmp_path / "probes.toml")))
    assert results["backup"].status == PASS
    assert results["security definer"].status == PASS
    assert results["vector operations"].status == PASS
    assert results["CRUD"].status == PASS, results["CRUD"].details
    assert results["agent functions"].status == PASS, results["agent functions"].details
    assert results["planned structure"].status == SKIPPED
    assert results["performance"].status == SKIPPED  # nothing recorded before an apply
    assert results["headers"].status == SKIPPED


def test_check_fails_on_a_definer_and_a_broken_probe(prod_db: str, migrations: Path, workdir: Path) -> None:
    apply(prod_db, read_source(migrations), ApplyOptions())  # 20250103 adds a SECURITY DEFINER function
    broken = parse_probes(
        '[[probe]]\nname = "gone"\nfunction = "public.no_such_function"\nargs = [1]\n', "probes.toml"
    )
    results = by_name(run_checks(prod_db, probes=broken, directory=migrations))
    assert results["security definer"].status == FAIL
    assert results["security definer"].details == ["public.count_memories()"]
    assert results["agent functions"].status == FAIL
    assert "does not exist" in results["agent functions"].details[0]
    assert results["headers"].status == PASS
    proc = subprocess.run(
        [sys.executable, "-m", "pgconsolidate", "check", "--database-url", prod_db],
        cwd=workdir, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "FAIL  security definer" in proc.stdout and "skipped:" in proc.stdout


def test_probes_file_syntax_error_is_one_line_exit_2(prod_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "probes.toml"
    bad.write_text('[[probe]]\nname = "x"\nsql = "SELECT 1\n')
    proc = subprocess.run(
        [sys.executable, "-m", "pgconsolidate", "check", "--database-url", prod_db, "--probes", str(bad)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert f"{bad}:3" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    with pytest.raises(InputError, match=r"probes.toml:1: probe 'x': give exactly one of"):
        parse_probes('[[probe]]\nname = "x"\n', "probes.toml")


def test_example_probes_file_parses() -> None:
    probes = load_probes(ROOT / "examples" / "ai-memory" / "probes.toml")
    names = [p.name for p in probes]
    assert "search_memories" in names and "hybrid_search" in names
    vec = next(p for p in probes if p.function == "public.vector_search")
    assert str(vec.args[0]).count(",") == 1535


def test_ambiguous_overloads() -> None:
    a = UserFunction("public.f(text)", "public", "f", ("text",), 0, False)
    b = UserFunction("public.f(text, integer)", "public", "f", ("text", "integer"), 1, False)
    c = UserFunction("public.f(integer)", "public", "f", ("integer",), 0, False)
    assert ambiguous(a, b)  # f('x') matches both
    assert not ambiguous(a, c)


def test_guards() -> None:
    facts = ServerFacts(180000, "18.0", "postgres", True, 1)
    with pytest.raises(DatabaseError, match="in recovery"):
        refuse_recovery(facts, "postgresql://u:secret@h/db")
    with pytest.raises(InputError, match="no space for the backup"):
        check_space(Path("/tmp"), 10**18)


def test_pg_dump_too_old(prod_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 12.22'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    monkeypatch.setattr("pgconsolidate.scratch.server.embedded_bin_dirs", lambda: {})
    with pytest.raises(InputError, match="no pg_dump of version 18 or newer"):
        take_backup(prod_db, out_dir=tmp_path / "bk")
    assert not (tmp_path / "bk").exists()
    assert shutil.which("pg_dump") == str(fake)
