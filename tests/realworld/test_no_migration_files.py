"""consolidate on a directory without migration files (a drizzle project given by its root, whose files
are in drizzle/): one line saying so, exit 2, nothing written (it failed on a temporary path)."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run

from .helpers import migrations


def test_consolidate_says_there_is_nothing_to_consolidate(tmp_path: Path, capsys) -> None:
    files = {"0000_init.sql": "CREATE TABLE t (id bigint PRIMARY KEY);\n"}
    root = migrations(tmp_path, files, sub="project/drizzle").parent
    plan = tmp_path / "p.toml"
    assert run(["plan", str(root), "-o", str(plan)]) == 0
    capsys.readouterr()
    out = tmp_path / "out"
    assert run(["consolidate", str(root), "--plan", str(plan), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no migration files to consolidate" in err and "drizzle" in err
    assert not out.exists()
