"""An existing (possibly hand-edited) plan is never overwritten silently."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run


def _dir(tmp_path: Path) -> Path:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "001_t.sql").write_text("CREATE TABLE public.t (id bigint PRIMARY KEY, created_at timestamptz);\n")
    return d


def test_existing_plan_is_refused_without_force(tmp_path, capsys):
    d = _dir(tmp_path)
    plan = tmp_path / "p.toml"
    plan.write_text("# my edits\n")
    assert run(["plan", str(d), "-o", str(plan)]) == 2
    err = capsys.readouterr().err
    assert "exists" in err and err.count("\n") == 1
    assert plan.read_text() == "# my edits\n"


def test_force_keeps_the_old_plan_as_bak(tmp_path):
    d = _dir(tmp_path)
    plan = tmp_path / "p.toml"
    plan.write_text("# my edits\n")
    assert run(["plan", str(d), "-o", str(plan), "--force"]) == 0
    assert (tmp_path / "p.toml.bak").read_text() == "# my edits\n"
    assert plan.read_text() != "# my edits\n"
