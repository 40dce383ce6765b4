"""replay shows a failing statement by an excerpt that says which statement it is: a first line that is a
keyword alone (``SELECT``, then ``cron.schedule(`` on the next line, seen on a real project) runs on to the
next line(s); it was shown as just ``SELECT``, in replay's failures and skipped lines and in consolidate's
'not proven' lines alike (they all take ``Unit.first_line``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.replay.units import EXCERPT_CHARS, excerpt
from pgconsolidate.scratch import ScratchServer

from .helpers import replay_cli, write_dir


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT\n  cron.schedule(\n    'x', '0 0 * * *', 'select 1'\n  )", "SELECT cron.schedule("),
        ("SELECT\n  -- the nightly job\n  cron.schedule (\n 'x')", "SELECT cron.schedule ("),
        ("CREATE OR REPLACE FUNCTION\n  public.f()\nRETURNS int", "CREATE OR REPLACE FUNCTION public.f()"),
        ("DO $$\nBEGIN\n  PERFORM cron.schedule('x');\nEND $$", "DO $$ BEGIN PERFORM cron.schedule('x');"),
        ("CREATE TABLE t (\n  id int\n)", "CREATE TABLE t ("),  # a name on the first line: that line only
        ("select 1 -- a trailing comment", "select 1"),
        ("select '--' as x -- c", "select '--' as x -- c"),  # after a quote it may be text: kept
        ("insert\ninto\n(\nvalues\n(1)", "insert into ( values"),  # at most 4 lines
        ("\n \t\n", ""),
    ],
)
def test_excerpt(text: str, expected: str) -> None:
    assert excerpt(text) == expected


def test_a_long_line_is_cut() -> None:
    shown = excerpt("INSERT INTO t VALUES " + ", ".join(f"({i})" for i in range(200)))
    assert len(shown) == EXCERPT_CHARS and shown.startswith("INSERT INTO t VALUES (0), (1)")
    assert shown.endswith("...")


def test_replay_shows_the_excerpt(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scratch_server: ScratchServer
) -> None:
    d = write_dir(
        tmp_path / "m",
        {
            "001_a.sql": "create table t (id int);\n"
            "SELECT\n"  # 2
            "  -- the nightly job\n"
            "  nosuch.schedule(\n"
            "    'x', '0 0 * * *', 'select 1'\n"
            "  );\n"
            "INSERT INTO\n"  # 7
            "  nosuch_table (id) VALUES (1);\n",
        },
    )
    code, out = replay_cli(capsys, d, "--keep-going", "--format", "json")
    assert code == 1
    shown = {f["line"]: f["statement"] for f in json.loads(out)["failures"]}
    assert shown == {2: "SELECT nosuch.schedule(", 7: "INSERT INTO nosuch_table (id) VALUES (1)"}
    code, out = replay_cli(capsys, d, "--keep-going")
    assert "001_a.sql:2  SELECT nosuch.schedule(\n" in out
    assert "001_a.sql:7  INSERT INTO nosuch_table (id) VALUES (1)\n" in out
