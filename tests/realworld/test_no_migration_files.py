"""plan and consolidate on a directory without migration files (a drizzle project given by its root, whose
files are in drizzle/): one line saying so and naming drizzle/, exit 2, nothing written (consolidate failed on
a temporary path; plan now refuses before writing a plan of nothing)."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run

from .helpers import migrations


def test_consolidate_says_there_is_nothing_to_consolidate(tmp_path: Path, capsys) -> None:
    files = {"0000_init.sql": "CREATE TABLE t (id bigint PRIMARY KEY);\n"}
    root = migrations(tmp_path, files, sub="project/drizzle").parent
    plan = tmp_path / "p.toml"
    assert run(["plan", str(root), "-o", str(plan)]) == 2
    err = capsys.readouterr().err
    assert "no migration files, so nothing to plan; did you mean" in err and "drizzle" in err
    assert not plan.exists()
    plan.write_text(f'directory = "{root}"\n')
    out = tmp_path / "out"
    assert run(["consolidate", str(root), "--plan", str(plan), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no migration files to consolidate" in err and "drizzle" in err
    assert not out.exists()
