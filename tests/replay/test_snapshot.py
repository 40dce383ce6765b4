"""``replay_to_snapshot`` (used by compare and inspect --against): the replayed catalog, no stand-ins."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay import replay_to_snapshot
from pgconsolidate.scratch import ScratchServer

from .helpers import write_dir


def test_snapshot_of_a_replayed_directory(scratch_server: ScratchServer, tmp_path: Path) -> None:
    write_dir(
        tmp_path,
        {
            "001_http.sql": "create extension if not exists http;\n"
            "create table calls (id int primary key, url text);\n"
            "create function call(u text) returns int language sql as $$ select (http_get(u)).status $$;\n",
        },
    )
    snap = replay_to_snapshot(str(tmp_path), scratch_url=scratch_server.admin_url)
    assert snap.source == str(tmp_path)
    assert "public.calls" in [t.identity for t in snap.tables]
    functions = [f.identity for f in snap.functions]
    assert "public.call(text)" in functions
    assert not any("http_get" in f or "http_header" in f for f in functions)  # the stand-in's own objects
    assert not any("http_response" in c.identity for c in snap.composites)
