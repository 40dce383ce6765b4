"""Plain numbered directories are often run with ``psql -f``, and their files carry psql meta-commands
(``\\set ON_ERROR_STOP on``, ``\\connect app``, ``\\echo``). A migration tool sends those lines to the
server, which rejects them; the replay said "syntax error: this statement never ran anywhere as written",
which is untrue of a file psql ran. The hint now names the meta-command and what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import migrations


def test_meta_command_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = migrations(
        tmp_path,
        {
            "001_init.sql": "\\set ON_ERROR_STOP on\nCREATE TABLE accounts (id int PRIMARY KEY);\n",
            "002_more.sql": "ALTER TABLE accounts ADD COLUMN name text;\nSELECT (1 +;\n",
        },
    )
    run(["replay", str(d), "--keep-going", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    hints = {f["file"]: f["hint"] for f in doc["failures"]}
    assert hints["001_init.sql"].startswith("psql meta-command \\set: only psql runs it")
    assert hints["002_more.sql"].startswith("syntax error: this statement never ran anywhere")
