"""golang-migrate's PostgreSQL driver sends a migration file as one query: several statements make an
implicit transaction, but a file holding only ``CREATE INDEX CONCURRENTLY ...`` runs outside any (the
advice golang-migrate gives for CONCURRENTLY). Such a file was reported as concurrently-in-transaction
and failed its replay; a file of two CONCURRENTLY statements still fails, as under golang-migrate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import migrations

_FILES = {
    "000001_init.up.sql": "BEGIN;\nCREATE TABLE a (id int PRIMARY KEY, v int);\nCOMMIT;\n",
    "000001_init.down.sql": "DROP TABLE a;\n",
    "000002_a_v.up.sql": "-- its own file, as golang-migrate advises\nCREATE INDEX CONCURRENTLY a_v ON a (v)",
    "000003_two.up.sql": (
        "CREATE INDEX CONCURRENTLY a_id ON a (id);\nCREATE INDEX CONCURRENTLY a_v2 ON a (v, id);\n"
    ),
}


def test_lone_concurrent_statement_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = migrations(tmp_path, _FILES)
    run(["replay", str(d), "--keep-going", "--format", "json"])
    failed = {(f["file"], f["line"]) for f in json.loads(capsys.readouterr().out)["failures"]}
    assert failed == {("000003_two.up.sql", 1), ("000003_two.up.sql", 2)}
    run(["analyze", str(d), "--format", "json", "--select", "concurrently-in-transaction"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["file"], f["line"]) for f in found] == [("000003_two.up.sql", 1), ("000003_two.up.sql", 2)]
    assert "golang-migrate sends a file of several statements as one query" in found[0]["message"]
