"""Helpers for replay tests: small migration directories written to tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.replay import ReplayResult, replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ai-memory"
EXAMPLE_MIGRATIONS = EXAMPLE / "supabase" / "migrations"


def write_dir(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def replay_files(server: ScratchServer, root: Path, files: dict[str, str], **options: object) -> ReplayResult:
    write_dir(root, files)
    return replay_dir(read_dir(str(root)), server, **options)  # type: ignore[arg-type]


def where(result: ReplayResult) -> list[tuple[str, int, str]]:
    return [(f.file, f.line, f.sqlstate) for f in result.failures]


def replay_cli(capsys: pytest.CaptureFixture[str], d: Path, *extra: str) -> tuple[int, str]:
    """``pgconsolidate replay D EXTRA...`` as a user runs it: its exit code and output (no traceback)."""
    code = run(["replay", str(d), *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out


def failure_hints(out: str) -> dict[int, tuple[str, str]]:
    """line -> (sqlstate, hint) of each failure of ``replay --format json``'s output (files of one file)."""
    return {f["line"]: (f["sqlstate"], f["hint"]) for f in json.loads(out)["failures"]}
