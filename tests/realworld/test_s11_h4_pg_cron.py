"""Found on a real Supabase project (a savings app) that schedules its cron jobs in migrations: the scratch
server has no pg_cron, so ``CREATE EXTENSION IF NOT EXISTS pg_cron`` failed, and with it every ``GRANT ...
SCHEMA cron`` and ``SELECT cron.schedule(...)``: replay stopped at the first one, and consolidate could only
say "NOT verified" (13 statements not proven). pg_cron now has a stand-in (schema cron, cron.job, the job
functions recording jobs as pg_cron does, the schedule checked; no job runs), and the statements that
schedule jobs or grant on schema cron are carried into the clean set as written, even when they ran: no
schema dump holds cron.job, so the clean set lost every job while the proof said verified. The proof now
compares the jobs."""

from __future__ import annotations

import re
from pathlib import Path

from pgconsolidate.db.connect import connection
from pgconsolidate.generate.carried import cron_statements
from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch.databases import database_name, drop_database
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.verify.pipeline import cron_differences

from .helpers import consolidated, migrations

FILES = {
    "20240101000000_a.sql": (
        "create extension if not exists pg_cron with schema pg_catalog;\n"
        "grant usage on schema cron to postgres;\n"
        "create table public.t (id int primary key, owner uuid references auth.users (id));\n"
        "create function public.tick() returns void language sql as $$ select 1 $$;\n"
        "create function public.plan_jobs() returns void language sql\n"
        "  as $$ select cron.schedule('later', '0 3 * * *', 'select 1') $$;\n"
        "select cron.schedule('tick', '*/5 * * * *', 'select public.tick()');\n"
        "select cron.schedule('tick', '0 1 * * 1-5', 'select public.tick()');\n"
        "select cron.schedule('nightly', '@daily', $$ delete from public.t $$);\n"
    ),
    "20240102000000_b.sql": "select cron.unschedule('nightly');\nalter table public.t add column n text;\n",
}


def test_replay_records_jobs_as_pg_cron_does(scratch_server: ScratchServer, tmp_path: Path) -> None:
    d = migrations(tmp_path, FILES, sub="supabase/migrations")
    result = replay_dir(read_dir(str(d)), scratch_server, keep=True)
    assert result.url is not None
    try:
        assert result.failures == () and result.skipped == ()
        assert any(s.extension == "pg_cron" and s.schema == "cron" for s in result.stand_ins)
        with connection(result.url, autocommit=True) as conn:
            jobs = conn.execute("SELECT jobname, schedule FROM cron.job ORDER BY 1").fetchall()
            assert jobs == [("tick", "0 1 * * 1-5")]  # scheduled again under its name: updated in place
            for bad in ("61 * * * *", "0 0 * * 8", "every minute", "0 seconds"):
                try:
                    conn.execute("SELECT cron.schedule('x', %s, 'select 1')", [bad])
                except Exception as exc:  # psycopg's error: pg_cron refuses it the same way
                    assert f"invalid schedule: {bad}" in str(exc)
                else:
                    raise AssertionError(f"{bad!r} was accepted")
    finally:
        drop_database(scratch_server, database_name(result.url))


def test_the_clean_set_carries_the_jobs_and_is_verified(tmp_path: Path) -> None:
    d = migrations(tmp_path, FILES, sub="supabase/migrations")
    out = consolidated(tmp_path, d)
    (carried,) = sorted((out / "migrations").glob("*_carried_statements.sql"))
    text = carried.read_text()
    for at in ("a.sql:2", "a.sql:7", "a.sql:8", "a.sql:9", "b.sql:1"):
        assert f"-- carried from 2024010{'1' if at[0] == 'a' else '2'}000000_{at};" in text
    assert "select cron.unschedule('nightly')" in text
    assert "plan_jobs" not in text  # a function that schedules a job is in the dump, not carried
    extensions = next((out / "migrations").glob("*_extensions.sql")).read_text()
    assert 'CREATE EXTENSION IF NOT EXISTS "pg_cron" WITH SCHEMA "pg_catalog"' in extensions
    assert "cron_job_policy" not in "".join(p.read_text() for p in (out / "migrations").iterdir())
    # REPORT.md counts each file's objects in the singular when there is one (was "1 objects")
    assert re.search(r"_extensions\.sql`: 1 object$", (out / "REPORT.md").read_text(), re.M)


def test_cron_statements_and_differences(tmp_path: Path) -> None:
    d = migrations(tmp_path, FILES, sub="supabase/migrations")
    found = [(f, line) for f, line, _ in cron_statements(read_dir(str(d)))]
    assert found == [
        ("20240101000000_a.sql", 2),
        ("20240101000000_a.sql", 7),
        ("20240101000000_a.sql", 8),
        ("20240101000000_a.sql", 9),
        ("20240102000000_b.sql", 1),
    ]
    job = ("tick", "0 1 * * 1-5", "select public.tick()", True, True)
    assert cron_differences({job}, {job}) == []
    assert cron_differences({job}, set()) == [
        "pg_cron job only after the chain + fix: tick '0 1 * * 1-5' 'select public.tick()'"
    ]
