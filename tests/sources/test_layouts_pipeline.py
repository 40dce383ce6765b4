"""Prisma and drizzle directories through analyze, plan and consolidate (embedded server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pgconsolidate.cli import run
from pgconsolidate.errors import InputError
from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.verify.pipeline import consolidate, make_plan


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


PRISMA = {
    "migration_lock.toml": 'provider = "postgresql"\n',
    "20240101000000_init/migration.sql": 'CREATE TABLE "User" (id serial PRIMARY KEY, email text);\n',
    "20240102000000_idx/migration.sql": 'CREATE INDEX CONCURRENTLY "User_email" ON "User" (email);\n',
}
DRIZZLE = {
    "0000_first.sql": 'CREATE TABLE "t" ("id" serial PRIMARY KEY);\n--> statement-breakpoint\n'
    'ALTER TABLE "t" ADD COLUMN "x" text;\n',
    "0001_second.sql": 'CREATE INDEX "t_x" ON "t" ("x");\n',
    "meta/_journal.json": json.dumps(
        {"entries": [{"idx": 0, "tag": "0000_first"}, {"idx": 1, "tag": "0001_second"}]}
    ),
}


def _analyze(capsys: pytest.CaptureFixture[str], directory: Path) -> dict[str, Any]:
    run(["analyze", str(directory), "--format", "json"])
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    return doc


def test_analyze_json_names_the_schemes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path / "p", PRISMA)
    _write(tmp_path / "d", DRIZZLE)
    doc = _analyze(capsys, tmp_path / "p")
    assert [f["scheme"] for f in doc["files"]] == ["prisma", "prisma"]
    assert doc["files"][1]["path"] == "20240102000000_idx/migration.sql"
    # Prisma runs migration.sql as one multi-statement query: CONCURRENTLY fails inside it
    assert any(f["rule"] == "concurrently-in-transaction" for f in doc["findings"])
    doc = _analyze(capsys, tmp_path / "d")
    assert [(f["path"], f["scheme"], f["statements"]) for f in doc["files"]] == [
        ("0000_first.sql", "drizzle", 2),
        ("0001_second.sql", "drizzle", 1),
    ]


@pytest.mark.parametrize(
    ("files", "tool", "table"),
    [(PRISMA, "prisma", "public._prisma_migrations"), (DRIZZLE, "drizzle", "drizzle.__drizzle_migrations")],
)
def test_plan_reads_it_and_consolidate_says_it_cannot_write_it(
    tmp_path: Path, files: dict[str, str], tool: str, table: str
) -> None:
    src = tmp_path / "src"
    files = {k: v.replace(" CONCURRENTLY", "") for k, v in files.items()}
    _write(src, files)
    plan = make_plan(str(src), None)
    assert plan.tool == tool and plan.settings.history_table == table
    assert len(plan.files) == 2
    (tmp_path / "plan.toml").write_text(write_plan(plan))
    if tool == "prisma":  # written in Prisma's layout (tests/consolidate/test_s8_h9_layouts.py)
        consolidate(str(src), tmp_path / "plan.toml", tmp_path / "out")
        assert (tmp_path / "out" / "migrations" / "migration_lock.toml").is_file()
        return
    with pytest.raises(InputError, match="cannot write a drizzle-kit layout"):
        consolidate(str(src), tmp_path / "plan.toml", tmp_path / "out")
    assert not (tmp_path / "out").exists()
