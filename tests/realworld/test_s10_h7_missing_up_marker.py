"""goose, dbmate and sql-migrate refuse a migration file that lacks their up marker (``-- +goose Up``,
``-- migrate:up``, ``-- +migrate Up``): a file added by hand without one stops the tool there. The replay
applied such a file whole and said nothing; it now names the file and what the tool does (text and JSON
``refused_by_tool``) and exits 1, as for a version the tool refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import migrations


@pytest.mark.parametrize(
    ("up", "down", "tool"),
    [
        ("-- +goose Up", "-- +goose Down", "goose"),
        ("-- migrate:up", "-- migrate:down", "dbmate"),
        ("-- +migrate Up", "-- +migrate Down", "sql-migrate"),
    ],
)
def test_file_without_up_marker_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], up: str, down: str, tool: str
) -> None:
    d = migrations(
        tmp_path,
        {
            "20240101000000_orders.sql": f"{up}\nCREATE TABLE orders (id int PRIMARY KEY);\n{down}\n",
            "20240102000000_note.sql": "ALTER TABLE orders ADD COLUMN note text;\n",
        },
    )
    assert run(["replay", str(d), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["failures"] == []
    [refused] = doc["refused_by_tool"]
    assert refused["file"] == "20240102000000_note.sql" and refused["reason"].startswith(
        f"no '{up}' line: {tool}"
    )


def test_supabase_files_need_no_marker(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = migrations(tmp_path, {"20240101000000_orders.sql": "CREATE TABLE orders (id int PRIMARY KEY);\n"})
    assert run(["replay", str(d), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["refused_by_tool"] == []
