"""Tools that name both directions of a migration alike keep them side by side under one version: a
home-grown runner's ``001_up__create_db.sql`` / ``001_down__delete_db.sql``, postgrator's ``001.do.sql`` /
``001.undo.sql``. Both were read as migrations sharing a version: the down file ran first (``down`` sorts
before ``up``), and a version collision was reported for what is one migration. The down file of such a
pair is now left out as a down migration, named with its up file; a lone file whose name merely starts
with a direction word (``003_down_payments.sql``) is still a migration."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

_UP = "CREATE TABLE guild_settings (guild_id bigint PRIMARY KEY, prefix text NOT NULL DEFAULT '!');\n"
_DOWN = "DROP TABLE IF EXISTS guild_settings;\n"


def test_runner_up_down_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = migrations(
        tmp_path,
        {
            "000_history.sql": "CREATE TABLE applied (version int, direction text);\n",
            "001_up__settings.sql": _UP,
            "001_down__settings.sql": _DOWN,
            "002_down_payments.sql": "CREATE TABLE down_payments (id bigint PRIMARY KEY);\n",
        },
    )
    md = read_dir(d)
    assert [f.path for f in md.files] == ["000_history.sql", "001_up__settings.sql", "002_down_payments.sql"]
    assert [(lo.path, lo.reason) for lo in md.left_out] == [
        ("001_down__settings.sql", "down migration: its up migration is 001_up__settings.sql")
    ]
    assert run(["replay", str(d)]) == 0
    out = capsys.readouterr().out
    assert "3 of 3 files" in out and "shares version" not in out


def test_postgrator_do_undo(tmp_path: Path) -> None:
    d = migrations(
        tmp_path,
        {
            "001.do.sql": _UP,
            "001.undo.sql": _DOWN,
            "002.do.add-topic.sql": "ALTER TABLE guild_settings ADD COLUMN topic text;\n",
            "002.undo.add-topic.sql": "ALTER TABLE guild_settings DROP COLUMN topic;\n",
            "010.do.sql": "CREATE INDEX ON guild_settings (prefix);\n",
        },
    )
    md = read_dir(d)
    assert [f.path for f in md.files] == ["001.do.sql", "002.do.add-topic.sql", "010.do.sql"]
    assert sorted(lo.path for lo in md.left_out) == ["001.undo.sql", "002.undo.add-topic.sql"]


def test_two_ups_of_one_version_still_collide(tmp_path: Path) -> None:
    d = migrations(tmp_path, {"001_up__a.sql": _UP, "001_up__b.sql": "SELECT 1;\n"})
    assert len(read_dir(d).files) == 2 and not read_dir(d).left_out
