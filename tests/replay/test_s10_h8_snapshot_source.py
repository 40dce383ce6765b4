"""``replay --snapshot FILE`` names the snapshot after the migrations directory, as compare names a
replayed directory; ``compare FILE ...`` then says which chain the file holds. Was: the throwaway scratch
database's URL (``postgresql://postgres:@/pgc_scratch_...``), dropped right after the replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import write_dir


def test_replay_snapshot_source_is_the_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_dir(tmp_path / "migrations", {"001_a.sql": "create table a (id int primary key);\n"})
    snap = tmp_path / "chain.json"
    assert run(["replay", str(root), "--snapshot", str(snap)]) == 0
    assert json.loads(snap.read_text())["source"] == str(root)
    capsys.readouterr()
    assert run(["compare", str(snap), str(root)]) == 0
    out = capsys.readouterr().out
    assert f"A: {root}" in out and "pgc_scratch_" not in out
