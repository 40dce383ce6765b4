"""The summary table labels each rule with the severities its findings carry, not the rule's default."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.cli import run


def _row(output: str, rule: str) -> str:
    return next(line for line in output.splitlines() if f" {rule} (" in line and "│" in line)


def test_a_rule_lowered_to_info_is_labelled_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "001_a.sql").write_text("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY);\n")
    (tmp_path / "002_b.sql").write_text("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY);\n")
    run(["analyze", str(tmp_path), "--select", "duplicate-create"])
    row = _row(capsys.readouterr().out, "duplicate-create")
    assert "(info)" in row, row
    assert "error" not in row


def test_mixed_severities_are_all_named_most_severe_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "001_a.sql").write_text("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY);\n")
    (tmp_path / "002_b.sql").write_text(
        "CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY);\nCREATE TABLE u (id int PRIMARY KEY);\n"
    )
    (tmp_path / "003_c.sql").write_text("CREATE TABLE u (id int PRIMARY KEY);\n")
    run(["analyze", str(tmp_path), "--select", "duplicate-create"])
    assert "(error, info)" in _row(capsys.readouterr().out, "duplicate-create")
