"""A statement that calls a stand-in which raises (pg_net's ``net.http_post`` and http's ``http_get``:
"cannot make requests"; uuid-ossp's ``uuid_generate_v5``: "needs SHA-1") gets the stand-in hint and is
listed as skipped, like one calling a stand-in function that "is not available". Was: an empty hint and
no skipped entry, since only the "is not available" wording was recognised."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay.hints import STAND_IN_RAISED, hint_for
from pgconsolidate.scratch import ScratchServer

from .helpers import replay_files

FILES = {
    "20240101000000_ext.sql": "create extension if not exists pg_net;\n"
    "create extension if not exists http with schema extensions;\n"
    "select net.http_post('https://x.test', '{}'::jsonb);\n"
    "select extensions.http_get('https://x.test');\n"
    "select extensions.uuid_generate_v5(extensions.uuid_ns_url(), 'x');\n"
    "create table public.t (id int primary key);\n",
}


def test_every_raising_stand_in_is_skipped_with_its_hint(
    scratch_server: ScratchServer, tmp_path: Path
) -> None:
    result = replay_files(scratch_server, tmp_path / "m", FILES, keep_going=True, supabase=True)
    by_line = {f.line: f for f in result.failures}
    assert sorted(by_line) == [3, 4, 5], [(f.line, f.message) for f in result.failures]
    for line, ext in ((3, "pg_net"), (4, "http"), (5, "uuid-ossp")):
        assert by_line[line].sqlstate == "0A000"
        assert f"extension {ext} is not on the scratch server, and its stand-in does not compute" in (
            by_line[line].hint
        ), by_line[line].hint
    assert [(s.line, s.reason) for s in result.skipped] == [
        (3, "needs what the stand-in for extension pg_net cannot compute; the scratch server lacks pg_net"),
        (4, "needs what the stand-in for extension http cannot compute; the scratch server lacks http"),
        (
            5,
            "needs what the stand-in for extension uuid-ossp cannot compute; "
            "the scratch server lacks uuid-ossp",
        ),
    ]


def test_pattern_names_function_and_extension() -> None:
    m = STAND_IN_RAISED.search(
        "http_get() cannot make requests: pgconsolidate stand-in for the http extension"
    )
    assert m is not None and (m["fn"], m["ext"]) == ("http_get()", "http")
    # a Database Webhooks trigger is no extension's stand-in
    webhook = (
        "supabase_functions.http_request() cannot make requests: pgconsolidate stand-in for Database Webhooks"
    )
    assert STAND_IN_RAISED.search(webhook) is None
    assert hint_for("0A000", "gen_salt() is not available: pgconsolidate stand-in for pgcrypto").startswith(
        "extension pgcrypto is not on the scratch server"
    )
