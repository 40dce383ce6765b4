"""REPORT.md says when the old files use Flyway placeholders: the chain is replayed with their values and
the clean set is generated from that schema, so it holds the values as plain SQL (``CREATE SCHEMA app``
where the files said ``${schema}``). A project that deploys with other values per environment learned
nothing of it before."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run

SECTION = "## Placeholders: their values are written into the clean set"


def _consolidate(tmp_path: Path, monkeypatch, text: str) -> str:
    monkeypatch.chdir(tmp_path)
    d = tmp_path / "proj" / "db" / "migration"
    d.mkdir(parents=True)
    (tmp_path / "proj" / "flyway.conf").write_text("flyway.placeholders.schema=app\n")
    (d / "V1__init.sql").write_text(text)
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 0
    return (out / "REPORT.md").read_text()


def test_report_names_the_values_the_clean_set_holds(tmp_path: Path, monkeypatch) -> None:
    report = _consolidate(
        tmp_path,
        monkeypatch,
        "CREATE SCHEMA IF NOT EXISTS ${schema};\nCREATE TABLE ${schema}.t (id int PRIMARY KEY);\n",
    )
    section = report[report.index(SECTION) :]
    assert "* `${schema} -> 'app' (configured): 2 use(s) in 1 file(s)`" in section
    assert section.index("${schema}") < section.index("## How to use this output")


def test_no_section_without_placeholders(tmp_path: Path, monkeypatch) -> None:
    report = _consolidate(tmp_path, monkeypatch, "CREATE TABLE t (id int PRIMARY KEY);\n")
    assert SECTION not in report
