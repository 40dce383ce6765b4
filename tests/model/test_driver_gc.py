"""The driver moves large finished analyses out of the cyclic GC's reach, and leaves small ones alone."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import pgconsolidate.analysis.driver as driver
from pgconsolidate.analysis import analyze_dir
from pgconsolidate.sources.reader import read_dir


def _dir(root: Path) -> Path:
    (root / "001_a.sql").write_text("create table a (id bigint primary key, v text);\n")
    (root / "002_b.sql").write_text(
        "create policy p on a using (v <> '');\nalter table a add column w int;\n"
    )
    return root


def test_small_analyses_are_not_frozen(tmp_path: Path) -> None:
    gc.unfreeze()
    analysis = analyze_dir(read_dir(_dir(tmp_path)))
    assert analysis.schema.exists("public.a.w")
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_large_analyses_are_frozen_and_gc_stays_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "FREEZE_MIN_BYTES", 0)
    gc.unfreeze()
    try:
        analysis = analyze_dir(read_dir(_dir(tmp_path)), keep_trees=False)
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
        assert analysis.schema.exists("public.a.p") and analysis.schema.exists("public.a.w")
        assert all(st.node == {} for fs in analysis.files for st in fs.statements)
    finally:
        gc.unfreeze()
