"""Helpers for rule tests: write small migration directories and run selected rules on them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pgconsolidate.config import Config
from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.rules.finding import Finding

from .helpers import write_dir

Check = Callable[..., list[Finding]]


@pytest.fixture
def check(tmp_path: Path) -> Check:
    """``check(rule, {"001_a.sql": "..."})`` → the findings of ``rule`` on that directory."""
    counter = iter(range(1_000_000))

    def run(rule: str, files: dict[str, str | bytes], config: Config | None = None) -> list[Finding]:
        root = write_dir(tmp_path / f"m{next(counter)}", files)
        report = analyze_directory(root, select=[rule], config=config or Config())
        return [f for f in report.findings if f.rule == rule]

    return run
