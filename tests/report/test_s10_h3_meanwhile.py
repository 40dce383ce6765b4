"""``analyze_directory(meanwhile=...)``: the caller's work runs once, in this process, while the rules run
(after the model is built, before the findings are in), and the report does not change; ``analyze``
imports its renderer there."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import pgconsolidate.rules.parallel as parallel
from pgconsolidate.report.analyze import analyze_directory


def _corpus(root: Path, files: int) -> None:
    for i in range(files):
        (root / f"{20240101000000 + i}_step.sql").write_text(
            f"create table t{i} (id bigint, v text);\ngrant select on t{i} to anon;\n"
        )


@pytest.mark.parametrize("fork", [False, True])
def test_meanwhile_runs_once_here_while_the_rules_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    _corpus(tmp_path, 12)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0 if fork else 10**12)
    seen: list[tuple[int, bool]] = []
    real = parallel.RuleRun.result

    def result(run: parallel.RuleRun) -> object:
        seen.append((os.getpid(), False))  # the findings are collected after meanwhile ran
        return real(run)

    monkeypatch.setattr(parallel.RuleRun, "result", result)
    report = analyze_directory(tmp_path, meanwhile=lambda: seen.append((os.getpid(), True)))
    assert seen == [(os.getpid(), True), (os.getpid(), False)]
    assert report.findings == analyze_directory(tmp_path).findings
    assert {f.rule for f in report.findings} >= {"table-without-primary-key"}


def test_analyze_imports_its_renderer_before_the_findings_are_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from pgconsolidate.cli_app import app

    _corpus(tmp_path, 3)
    imported: list[bool] = []
    real = parallel.RuleRun.result

    def result(run: parallel.RuleRun) -> object:
        imported.append("pgconsolidate.report.sarif" in sys.modules)
        return real(run)

    monkeypatch.setattr(parallel.RuleRun, "result", result)
    monkeypatch.delitem(sys.modules, "pgconsolidate.report.sarif", raising=False)
    out = CliRunner().invoke(app, ["analyze", str(tmp_path), "--format", "sarif", "--fail-on", "never"])
    assert out.exit_code == 0, out.output
    assert imported == [True]
    assert '"version": "2.1.0"' in out.output
