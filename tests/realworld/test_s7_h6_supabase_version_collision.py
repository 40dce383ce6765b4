"""Two Supabase files sharing a version (``010_add_item_categories.sql`` and its ``_fixed`` copy on a
Supabase project): the Supabase CLI fails at the second file on schema_migrations' primary key, but replay
said "2 applied cleanly" and exit 0 (files without Supabase objects get no base, so no history row to
collide on), and with the base it printed a history line while exiting 0 with an empty
``version_collisions`` in JSON. Both cases now list the collision, in text and JSON, and exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import migrations


@pytest.mark.parametrize("uses_auth", [False, True])
def test_supabase_duplicate_version_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], uses_auth: bool
) -> None:
    extra = "CREATE TABLE c (id uuid REFERENCES auth.users (id));\n" if uses_auth else ""
    d = migrations(
        tmp_path,
        {
            "20240101000000_items.sql": "CREATE TABLE items (id bigint PRIMARY KEY);\n" + extra,
            "20240101000000_items_fixed.sql": "CREATE TABLE IF NOT EXISTS items (id bigint PRIMARY KEY);\n",
        },
        sub="supabase/migrations",
    )
    assert run(["replay", str(d), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert not doc["failures"]
    assert doc["version_collisions"] == [
        {
            "file": "20240101000000_items_fixed.sql",
            "version": "20240101000000",
            "collides_with": "20240101000000_items.sql",
            "tool": "supabase",
        }
    ]
    assert run(["replay", str(d)]) == 1
    text = capsys.readouterr().out
    assert text.count("shares version 20240101000000") == 1
    assert "Supabase CLI fails on the schema_migrations primary key" in text
