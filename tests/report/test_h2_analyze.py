"""``analyze_directory`` reads flat directories on the way (the helper starts before the files are read):
the report is the one reading everything first gives, and a bad rule selection is still reported before
anything else, on small and large directories alike."""

from __future__ import annotations

from pathlib import Path

import pytest

import pgconsolidate.analysis.driver as driver
import pgconsolidate.report.analyze as report_analyze
from pgconsolidate.analysis import analyze_dir
from pgconsolidate.errors import InputError
from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.sources.reader import read_dir


def _corpus(root: Path, files: int) -> None:
    for i in range(files):
        (root / f"{20240101000000 + i}_step.sql").write_text(
            f"create table t{i} (id bigint primary key, v text);\n"
            f"create index on t{i} (v);\ngrant select on t{i} to anon;\n"
            + (f"alter table t{i - 1} add column w{i} int;\n" if i else "")
        )


@pytest.mark.parametrize("parallel", [False, True])
def test_the_report_is_the_one_reading_first_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    _corpus(tmp_path, 40)
    (tmp_path / "20250101000000_bad.sql").write_bytes(b"create table x (y text default '\xff');")
    if parallel:
        monkeypatch.setattr(report_analyze, "PARALLEL_MIN_BYTES", 0)
        monkeypatch.setattr(driver, "CHUNKS_PER_PROCESS", 5)
    report = analyze_directory(tmp_path)
    want = analyze_dir(read_dir(tmp_path), workers=1, keep_trees=False)
    assert report.mdir == want.mdir
    assert report.files == want.files
    assert report.findings  # the bad file, at least
    assert any(f.rule == "encoding" or "UTF-8" in f.message for f in report.findings)


@pytest.mark.parametrize("parallel", [False, True])
def test_an_unknown_rule_is_reported_before_anything_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    _corpus(tmp_path, 10)
    if parallel:
        monkeypatch.setattr(report_analyze, "PARALLEL_MIN_BYTES", 0)
    with pytest.raises(InputError) as unknown:
        analyze_directory(tmp_path, select=["no-such-rule"])
    assert "no-such-rule" in str(unknown.value)


def test_an_unknown_rule_comes_before_an_unlistable_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unlistable(root: object) -> None:
        raise InputError(f"{root}: cannot list directory: Permission denied")

    monkeypatch.setattr(report_analyze, "scan_dir", unlistable)
    with pytest.raises(InputError) as unknown:
        analyze_directory(tmp_path, select=["no-such-rule"])
    assert "no-such-rule" in str(unknown.value)
    with pytest.raises(InputError, match="cannot list directory"):
        analyze_directory(tmp_path)
