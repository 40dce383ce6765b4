"""consolidate run on a directory before any plan exists (the user's first try, `consolidate DIR --out X`)
says how to make the plan it needs; it said only 'pgconsolidate.plan.toml: no such plan file'."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run


def test_missing_default_plan_names_the_plan_command(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    d = tmp_path / "my migrations"
    d.mkdir()
    (d / "001_t.sql").write_text("CREATE TABLE t (id int PRIMARY KEY);\n")
    assert run(["consolidate", str(d), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "pgconsolidate: error: pgconsolidate.plan.toml: no such plan file: write one first "
        f"(pgconsolidate plan '{d}' -o pgconsolidate.plan.toml), review it, then consolidate"
    )
    assert not (tmp_path / "out").exists()
