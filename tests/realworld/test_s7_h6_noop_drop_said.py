"""Found on a Supabase project: ``drop policy if exists "..." on public.deploy_waitlist`` meant the policy
of ``publish_waitlist`` (the table's name mistyped); PostgreSQL skipped it with a notice, replay said
"applied cleanly" and the policy stayed. Replay now lists such statements (a DROP ... IF EXISTS ... ON a
missing table, an ALTER TABLE IF EXISTS of one) as having done nothing, in text and JSON; the usual
defensive ``DROP POLICY IF EXISTS`` of a missing policy on an existing table is not listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

FILES = {
    "001_waitlist.sql": (
        "CREATE TABLE publish_waitlist (id int PRIMARY KEY);\n"
        "ALTER TABLE publish_waitlist ENABLE ROW LEVEL SECURITY;\n"
        'CREATE POLICY "delete own" ON publish_waitlist FOR DELETE USING (true);\n'
        "DROP POLICY IF EXISTS never_made ON publish_waitlist;\n"
    ),
    "002_remove.sql": (
        "-- remove the delete policy\n"
        'drop policy if exists "delete own" on public.deploy_waitlist;\n'
        "DROP TRIGGER IF EXISTS t ON publish_waitlist;\n"
        "ALTER TABLE IF EXISTS waitlist ADD COLUMN note text;\n"
        "CREATE TABLE other (id int);\n"
    ),
}


@pytest.mark.parametrize("keep_going", [False, True])
def test_no_op_statements_are_listed(tmp_path: Path, scratch_server: ScratchServer, keep_going: bool) -> None:
    d = migrations(tmp_path, FILES)
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=keep_going, batch=not keep_going)
    assert result.ok
    assert [(n.file, n.line) for n in result.no_ops] == [("002_remove.sql", 2), ("002_remove.sql", 4)]
    assert result.no_ops[0].notice == 'relation "public.deploy_waitlist" does not exist, skipping'


def test_cli_says_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = migrations(tmp_path, FILES)
    assert run(["replay", str(d), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(n["file"], n["line"]) for n in doc["no_ops"]] == [("002_remove.sql", 2), ("002_remove.sql", 4)]
    assert run(["replay", str(d)]) == 0
    assert "did nothing: 002_remove.sql:2 drop policy if exists" in capsys.readouterr().out
