"""Ambiguous overloads the plan keeps (as the database has them): `check` warns instead of failing."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.db.connect import connection
from pgconsolidate.deploy.checks import FAIL, WARN, run_checks
from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.verify.pipeline import make_plan

OVERLOADS = (
    "create function public.area(w int) returns int language sql as 'select w*w';\n"
    "create function public.area(w int, h int default 1) returns int language sql as 'select w*h';\n"
)


def test_check_warns_about_overloads_the_plan_keeps(scratch_db: str, tmp_path: Path) -> None:
    src = tmp_path / "migrations"
    src.mkdir()
    (src / "20240101000000_area.sql").write_text(OVERLOADS)
    plan = make_plan(str(src), None)
    assert plan.functions[0].drop == ()
    (tmp_path / "plan.toml").write_text(write_plan(plan))
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(OVERLOADS.encode())
    without = [r for r in run_checks(scratch_db) if r.name == "functions"]
    assert [r.status for r in without] == [FAIL]
    kept = [r for r in run_checks(scratch_db, plan_file=tmp_path / "plan.toml") if r.name == "functions"]
    assert [r.status for r in kept] == [WARN]
    assert "kept by the plan" in kept[0].summary
