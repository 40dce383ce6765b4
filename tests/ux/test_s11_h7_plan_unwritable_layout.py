"""plan says up front that consolidate cannot write a drizzle-kit layout (it refused only after the user had
reviewed the plan: a real drizzle chat app's plan was written, reviewed, then consolidate exited 2)."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run

NOTE = "consolidate cannot write a drizzle-kit layout"


def _drizzle(tmp_path: Path) -> Path:
    d = tmp_path / "drizzle"
    (d / "meta").mkdir(parents=True)
    (d / "0000_init.sql").write_text('CREATE TABLE "t" ("id" serial PRIMARY KEY NOT NULL);\n')
    journal = {"version": "7", "dialect": "postgresql", "entries": []}
    journal["entries"] = [{"idx": 0, "version": "7", "when": 1, "tag": "0000_init", "breakpoints": True}]
    (d / "meta" / "_journal.json").write_text(json.dumps(journal))
    return d


def test_plan_of_a_drizzle_directory_says_consolidate_refuses_it(tmp_path: Path, capsys) -> None:
    d = _drizzle(tmp_path)
    assert run(["plan", str(d), "-o", str(tmp_path / "a.toml")]) == 0
    assert f"note: {NOTE}" in capsys.readouterr().err
    assert run(["plan", str(d), "-o", str(tmp_path / "b.toml"), "--format", "json"]) == 0
    assert any(n.startswith(NOTE) for n in json.loads(capsys.readouterr().out)["notes"])


def test_other_layouts_get_no_such_note(tmp_path: Path, capsys) -> None:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "001_init.sql").write_text("CREATE TABLE t (id int PRIMARY KEY);\n")
    assert run(["plan", str(d), "-o", str(tmp_path / "a.toml")]) == 0
    assert "cannot write" not in capsys.readouterr().err
