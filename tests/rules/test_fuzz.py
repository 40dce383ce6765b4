"""Property: whatever a migration file holds, analyze reports findings and never crashes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgconsolidate.config import Config
from pgconsolidate.report.analyze import analyze_directory

from .helpers import write_dir

FRAGMENTS = [
    "create table t (a int references u, b vector(3));",
    "create table if not exists u (id int primary key);",
    "alter table t alter column b type vector;",
    "create index i on t using hnsw (b vector_cosine_ops);",
    "create or replace function f(x text, y text default 'a') returns int language sql security definer "
    "as $$ select 1 $$;",
    "create function f(x text) returns jsonb language plpgsql as $$ begin return null; end $$;",
    "alter function f(text) set search_path = '';",
    "drop function f(text);",
    "create policy p on t using (true);",
    "alter table t enable row level security;",
    "grant all on all functions in schema public to anon;",
    "revoke execute on function f(text) from anon;",
    "drop index i;",
    "begin;",
    "commit;",
    "create index concurrently j on t (a);",
    "create view v as select * from w;",
    "create table w (a int);",
    "$$ unterminated",
    "select 'x",
    "\x00",
    "-- pgconsolidate: ignore\n",
    "create extension vector;",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=8), min_size=1, max_size=4))
def test_analyze_never_crashes(files):
    with tempfile.TemporaryDirectory() as tmp:
        contents = {f"{i:03d}_f.sql": "\n".join(parts) for i, parts in enumerate(files)}
        root = write_dir(Path(tmp) / "m", contents)
        report = analyze_directory(root, config=Config())
        assert len(report.mdir.files) == len(files)
        for f in report.findings:
            assert f.rule and f.message and f.location.file in contents
