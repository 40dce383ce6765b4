"""A table that needs an extension no migration creates (a drizzle project enabling pgvector in a setup
script) fails on an empty database and is not in the clean set: consolidate says so, and REPORT.md too."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run

from .helpers import migrations

SQL = (
    "CREATE TABLE items (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), term text NOT NULL,\n"
    "  embedding vector(3));\n"
    "CREATE TABLE notes (id bigint PRIMARY KEY, body text);\n"
)


def test_consolidate_says_what_the_clean_set_lacks(tmp_path: Path, capsys) -> None:
    d = migrations(tmp_path, {"0000_init.sql": SQL}, sub="drizzle")
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    capsys.readouterr()
    out = tmp_path / "out"
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "1 statement(s) of the old chain fail on an empty database" in text
    assert "anything only they would have created is not in the clean set" in text
    report = (out / "REPORT.md").read_text()
    section = report.split("## Statements of the old chain that fail on an empty database", 1)[1]
    assert "is in neither the clean set nor the fix" in section and "0000_init.sql:1" in section
    clean = "".join(p.read_text() for p in sorted((out / "migrations").iterdir()))
    assert "notes" in clean and "items" not in clean
