"""The driver keeps the fold's working state of a large analysis (freed at the next large one, never by a
command that exits), so freeing it does not sit between the model and the rules; small analyses free it
at once. Listed and read directories alike; the analysis is the same either way."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

import pgconsolidate.analysis.driver as driver
import pgconsolidate.report.analyze as report_analyze
from pgconsolidate.analysis import analyze_dir
from pgconsolidate.model.fold import _Folder
from pgconsolidate.sources.reader import read_dir


def _dir(root: Path) -> Path:
    (root / "001_a.sql").write_text("create table a (id bigint primary key, v text);\n")
    (root / "002_b.sql").write_text("create index on a (v);\nalter table a add column w int;\n")
    return root


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(driver, "FREEZE_MIN_BYTES", 0)
    monkeypatch.setattr(driver, "_KEPT", [])
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_large_analysis_keeps_its_folder_until_the_next_one(tmp_path: Path, large: object) -> None:
    first = analyze_dir(read_dir(_dir(tmp_path)), keep_trees=False)
    assert [type(f) for f in driver._KEPT] == [_Folder]
    gone = weakref.ref(driver._KEPT[0])
    second = analyze_dir(read_dir(tmp_path), keep_trees=False)
    assert len(driver._KEPT) == 1 and driver._KEPT[0] is not gone()
    assert gone() is None  # the previous one was let go
    assert first.schema == second.schema and second.schema.exists("public.a.w")


def test_a_listed_large_analysis_keeps_its_folder(tmp_path: Path, large: object) -> None:
    analysis = report_analyze.directory_model(_dir(tmp_path))
    assert [type(f) for f in driver._KEPT] == [_Folder]
    assert analysis.schema == analyze_dir(read_dir(tmp_path), keep_trees=False).schema


def test_a_small_analysis_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "_KEPT", [])
    report_analyze.directory_model(_dir(tmp_path))
    analyze_dir(read_dir(tmp_path))
    assert driver._KEPT == []
