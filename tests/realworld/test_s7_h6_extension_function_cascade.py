"""Found on a Supabase project (deployment tables with ``moddatetime`` triggers, secrets functions created
twice): a trigger calling ``moddatetime(updated_at)`` after ``CREATE EXTENSION moddatetime`` failed on the
scratch server was its own root cause with a "missing function ... enabled from the dashboard?" hint, and
was not reported as skipped (so consolidate's "not proven" list left it out); a function created twice had
no "first created at" in its hint because PostgreSQL quotes the name in that message."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay.objects import Key, already_existing
from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations


def test_already_existing_reads_the_quoted_function_name() -> None:
    msg = 'function "supabase_url" already exists with same argument types'
    assert already_existing(msg) == (Key("function", "supabase_url"),)
    assert already_existing('function "s"."f" already exists with same argument types') == (
        Key("function", "f", "s"),
    )


def test_trigger_on_an_unavailable_extension_function_cascades(
    tmp_path: Path, scratch_server: ScratchServer
) -> None:
    body = "returns text language sql as $$ select "
    d = migrations(
        tmp_path,
        {
            "20240101000000_secrets.sql": f"create function secret_url() {body}'x' $$;\n",
            "20240102000000_again.sql": f"-- again\ncreate function secret_url() {body}'y' $$;\n",
            "20240103000000_items.sql": (
                "create extension if not exists moddatetime;\n"
                "create table items (id int primary key, updated_at timestamptz not null default now());\n"
                "create trigger items_updated_at before update on items\n"
                "  for each row execute procedure moddatetime (updated_at);\n"
            ),
        },
    )
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=True)
    by_line = {(f.file, f.line): f for f in result.failures}
    again = by_line[("20240102000000_again.sql", 2)]
    assert "first created at 20240101000000_secrets.sql:1" in again.hint
    if ("20240103000000_items.sql", 1) not in by_line:  # a scratch server that has moddatetime
        return
    trigger = by_line[("20240103000000_items.sql", 3)]
    assert trigger.root_cause is not None and trigger.root_cause.line == 1
    assert "dashboard" not in trigger.hint
    skipped = {(s.file, s.line): s.reason for s in result.skipped}
    assert (
        skipped[("20240103000000_items.sql", 3)]
        == "needs extension moddatetime, which the scratch server lacks"
    )
