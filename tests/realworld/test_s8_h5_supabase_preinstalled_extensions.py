"""Found on a chatbot-ui fork (Supabase): every table's ``DEFAULT uuid_generate_v4()`` and no
``CREATE EXTENSION "uuid-ossp"`` in any file. ``missing-extension`` said "fails on a fresh database",
yet every Supabase database (hosted, ``supabase start``, a branch) has uuid-ossp and pgcrypto in schema
``extensions`` before the first migration, on the default search_path (replay, which installs the
Supabase base, applied it cleanly). Left out for a Supabase directory whose files use the platform
(auth.uid(), auth.users, storage); still found for other tools and for other extensions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import migrations

TABLE = (
    "CREATE TABLE notes (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), owner uuid, body text,\n"
    "  pw text DEFAULT crypt('x', gen_salt('bf')), v vector(3));\n"
)
POLICY = (
    "ALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY mine ON notes USING (owner = auth.uid());\n"
)


def _missing(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str) -> list[str]:
    d = migrations(tmp_path, {name: text})
    run(["analyze", str(d), "--format", "json", "--select", "missing-extension"])
    return [
        f["message"].split(" from extension ")[1].split(",")[0]
        for f in json.loads(capsys.readouterr().out)["findings"]
    ]


def test_supabase_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert set(_missing(tmp_path, capsys, "20240101000000_notes.sql", TABLE + POLICY)) == {"vector"}


def test_not_a_supabase_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _missing(tmp_path, capsys, "20240101000000_notes.sql", TABLE)
    assert set(found) == {"pgcrypto", "uuid-ossp", "vector"}


def test_other_tool(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _missing(tmp_path, capsys, "V1__notes.sql", TABLE + POLICY)
    assert set(found) == {"pgcrypto", "uuid-ossp", "vector"}
