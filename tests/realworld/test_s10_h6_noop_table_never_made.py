"""Found on two Supabase projects whose databases hold tables no migration creates (made from the
dashboard, or by another app's migrations on a shared project): ``DROP POLICY IF EXISTS ... ON
public.aether_debug_log`` did nothing, and replay guessed "a typo, or a table renamed or dropped
earlier?". A statement that did nothing now says whether any migration creates the table it names (text
and JSON ``made_by_migrations``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import migrations

FILES = {
    "001_a.sql": "create table public.old_items (id int);\ndrop table public.old_items;\n",
    "002_b.sql": (
        "drop policy if exists p on public.old_items;\n"  # made, then dropped earlier
        "drop policy if exists q on public.debug_log;\n"  # no migration makes it
    ),
}


def test_no_op_says_whether_a_migration_makes_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = migrations(tmp_path, FILES)
    assert run(["replay", str(d), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(n["line"], n["made_by_migrations"]) for n in doc["no_ops"]] == [(1, True), (2, False)]
    assert run(["replay", str(d)]) == 0
    out = " ".join(capsys.readouterr().out.split())  # the console wraps long lines
    assert (
        'old_items" does not exist, skipping: the table it names does not exist here; a typo, or a table'
        in out
    )
    assert (
        'debug_log" does not exist, skipping: the table it names does not exist here; no migration creates'
        in out
    )
