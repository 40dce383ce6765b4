"""A function whose live body differs from the last migration: the live body is kept, everywhere."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.db.connect import connection
from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.replay import replay_into
from pgconsolidate.scratch.supabase import install_supabase_base
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.verify.pipeline import consolidate, make_plan

FILES = {
    "20240101000000_greet.sql": "CREATE FUNCTION public.greet(n text) RETURNS text LANGUAGE sql "
    "AS $$ SELECT 'hello ' || n $$;\n",
    "20240102000000_greet_v2.sql": "CREATE OR REPLACE FUNCTION public.greet(n text) RETURNS text "
    "LANGUAGE sql AS $$ SELECT 'hi ' || n $$;\n",
}


def test_live_body_is_kept(scratch_db: str, tmp_path: Path) -> None:
    src = tmp_path / "migrations"
    src.mkdir()
    for name, text in FILES.items():
        (src / name).write_text(text)
    install_supabase_base(scratch_db)
    replay_into(scratch_db, read_dir(str(src)), keep_going=True)
    with connection(scratch_db, autocommit=True) as conn:  # hot-fixed by hand in production
        conn.execute(
            "CREATE OR REPLACE FUNCTION public.greet(n text) RETURNS text LANGUAGE sql AS $$ "
            "SELECT 'hey ' || n $$"
        )
    plan = make_plan(str(src), scratch_db)
    [choice] = plan.functions
    assert choice.keep == "public.greet(text)" and choice.keep_from == "live"
    (tmp_path / "plan.toml").write_text(write_plan(plan))
    res = consolidate(str(src), tmp_path / "plan.toml", tmp_path / "out", live_url=scratch_db)
    assert res.differences == [] and res.second_run_differences == []
    clean = "\n".join(c.text for c in res.clean)
    assert "'hey '" in clean and "'hi '" not in clean
    fix = next((tmp_path / "out").glob("*_consolidation_fix.sql")).read_text()
    assert "'hey '" in fix
