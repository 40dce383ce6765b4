"""replay commits each drizzle-kit file on its own, while drizzle-kit's migrator applies every pending file in
one transaction: replay's text output says so for a drizzle directory of several files (a new enum value
added by one file and used by the next replays cleanly, and fails in a deploy of both). Replayed on the real
server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.scratch import ScratchServer

from .helpers import replay_cli

_NOTE = "note: drizzle-kit applies every pending file in one transaction, replay commits each file on its own"


def _drizzle(root: Path, files: dict[str, str]) -> Path:
    (root / "meta").mkdir(parents=True)
    entries = [
        {
            "idx": i,
            "version": "7",
            "when": 1700000000000 + i,
            "tag": name.removesuffix(".sql"),
            "breakpoints": True,
        }
        for i, name in enumerate(files)
    ]
    (root / "meta" / "_journal.json").write_text(
        json.dumps({"version": "7", "dialect": "postgresql", "entries": entries}), encoding="utf-8"
    )
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_note_for_drizzle(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scratch_server: ScratchServer
) -> None:
    d = _drizzle(
        tmp_path / "d",
        {
            "0000_a.sql": "CREATE TYPE mood AS ENUM ('sad');\n--> statement-breakpoint\n"
            "CREATE TABLE t (m mood);\n",
            "0001_b.sql": "ALTER TYPE mood ADD VALUE 'happy';\n",
            "0002_c.sql": "UPDATE t SET m = 'happy';\n",
        },
    )
    code, out = replay_cli(capsys, d)
    assert code == 0
    assert "3 applied cleanly" in out
    assert _NOTE in out
    assert "enum-value-used-in-transaction" in out


def test_no_note_elsewhere(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scratch_server: ScratchServer
) -> None:
    d = tmp_path / "m"
    d.mkdir()
    (d / "20240101000000_a.sql").write_text("CREATE TABLE t (id int);\n", encoding="utf-8")
    (d / "20240102000000_b.sql").write_text("ALTER TABLE t ADD COLUMN x int;\n", encoding="utf-8")
    code, out = replay_cli(capsys, d)
    assert code == 0
    assert "note:" not in out
    one = _drizzle(tmp_path / "one", {"0000_a.sql": "CREATE TABLE t (id int);\n"})
    code, out = replay_cli(capsys, one)
    assert code == 0 and "note:" not in out  # a single file: nothing to apply together
