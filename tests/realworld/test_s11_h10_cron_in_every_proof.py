"""The pg_cron jobs are compared by every proof, the same way (``cron_proof``): consolidate's compared the
jobs of chain + fix and clean set (1b0b175), but neither the proof against a live database (a job made by
hand in production, which no file schedules, is a job a database built from the clean set lacks: the proof
said verified) nor ``verify OUTDIR`` re-checking an output later (an edited clean set that schedules
another job: ok)."""

from __future__ import annotations

from pathlib import Path

from psycopg.conninfo import make_conninfo

from pgconsolidate.db.connect import connection
from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch.databases import database_name, drop_database
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.verify.pipeline import consolidate, cron_jobs, cron_proof, make_plan, verify_outdir

from .helpers import consolidated, migrations

FILES = {
    "20240101000000_a.sql": (
        "create extension if not exists pg_cron with schema pg_catalog;\n"
        "create table public.t (id int primary key);\n"
        "create function public.tick() returns void language sql as $$ select 1 $$;\n"
        "select cron.schedule('tick', '*/5 * * * *', 'select public.tick()');\n"
        "select\n  cron.schedule('nightly', '@daily', $$ delete from public.t $$);\n"
    ),
    "20240102000000_b.sql": "select cron.unschedule('nightly');\n",
}
BY_HAND = "live database vs clean set: pg_cron job only in the live database: by-hand '0 4 * * *' 'select 1'"


def test_verify_outdir_compares_the_jobs(tmp_path: Path) -> None:
    d = migrations(tmp_path, FILES, sub="supabase/migrations")
    out = consolidated(tmp_path, d)
    res = verify_outdir(out)
    assert res["cron_jobs"] == [] and res["ok"]
    # the clean set edited afterwards: it no longer removes the nightly job
    (carried,) = (out / "migrations").glob("*_carried_statements.sql")
    text = carried.read_text()
    assert "$stmt$select cron.unschedule('nightly')$stmt$" in text
    carried.write_text(text.replace("$stmt$select cron.unschedule('nightly')$stmt$", "$stmt$select 1$stmt$"))
    res = verify_outdir(out)
    assert res["cron_jobs"] == [
        "pg_cron job only after the clean set: nightly '@daily' ' delete from public.t '"
    ]
    assert not res["ok"]


def test_the_live_proof_compares_the_jobs(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(tmp_path, FILES, sub="supabase/migrations")
    live = replay_dir(read_dir(str(d)), scratch_server, keep=True).url  # production, built from the files
    assert live is not None
    try:
        plan = tmp_path / "p.toml"
        plan.write_text(write_plan(make_plan(str(d), live)))
        res = consolidate(str(d), plan, tmp_path / "out", live_url=live)
        assert res.differences == [] and res.second_run_differences == []
        assert verify_outdir(tmp_path / "out", live)["cron_jobs"] == []
        with connection(live, autocommit=True) as conn:  # a job scheduled by hand in production
            conn.execute("select cron.schedule('by-hand', '0 4 * * *', 'select 1')")
        again = verify_outdir(tmp_path / "out", live)
        assert again["cron_jobs"] == [BY_HAND] and not again["ok"]
        res = consolidate(str(d), plan, tmp_path / "out2", live_url=live)
        assert BY_HAND in res.differences
    finally:
        drop_database(scratch_server, database_name(live))


def test_a_live_role_that_may_not_read_the_jobs(scratch_db: str) -> None:
    """Without USAGE on schema cron, to_regclass('cron.job') itself fails: the live proof said nothing of
    the jobs before, and must not stop on them now; it says they were not compared."""
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "create schema cron; create role h10_no_cron login;"
            "create table cron.job (jobname text, schedule text, command text, active bool, database text)"
        )
    try:
        reader = make_conninfo(scratch_db, user="h10_no_cron")
        assert cron_jobs(reader) is None
        assert cron_jobs(scratch_db) == set()  # the owner may read it (no job)
        job = ("tick", "* * * * *", "select 1", True, True)
        (said,) = cron_proof({job}, {job}, None)
        assert said.startswith("live database vs clean set: pg_cron jobs not compared: the role may not read")
        assert cron_proof({job}, {job}) == [] == cron_proof({job}, {job}, {job})
    finally:
        with connection(scratch_db, autocommit=True) as conn:
            conn.execute("drop schema cron cascade; drop role h10_no_cron")
