"""goose, golang-migrate and tern store the version as a number and Flyway compares dotted numbers:
``00001_a.sql`` and ``1_b.sql`` (goose), ``1_a.up.sql`` and ``001_b.up.sql`` (golang-migrate), ``V1__a.sql``,
``V1.0__b.sql`` and ``V01__c.sql`` (Flyway) are one version to the tool, which refuses the directory. The
versions were compared as text, so neither replay nor analyze said so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import migrations

_CASES = [
    ({"00001_a.sql": "-- +goose Up\nSELECT 1;\n", "1_b.sql": "-- +goose Up\nSELECT 2;\n"}, "goose"),
    ({"1_a.up.sql": "SELECT 1;\n", "001_b.up.sql": "SELECT 2;\n"}, "golang-migrate"),
    ({"V1__a.sql": "SELECT 1;\n", "V1.0__b.sql": "SELECT 2;\n", "V01__c.sql": "SELECT 3;\n"}, "flyway"),
]


@pytest.mark.parametrize(("files", "tool"), _CASES)
def test_one_version_to_the_tool(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], tool: str
) -> None:
    d = migrations(tmp_path, files)
    assert run(["replay", str(d), "--format", "json"]) == 1
    collisions = json.loads(capsys.readouterr().out)["version_collisions"]
    assert len(collisions) == len(files) - 1 and {c["tool"] for c in collisions} == {tool}
    run(["analyze", str(d), "--format", "json", "--select", "version-collision"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert sorted(f["file"] for f in found) == sorted(files)


def test_supabase_versions_stay_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = migrations(
        tmp_path, {"001_a.sql": "SELECT 1;\n", "1_b.sql": "SELECT 2;\n"}, sub="supabase/migrations"
    )
    run(["analyze", str(d), "--format", "json", "--select", "version-collision"])
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_prisma_directories_sharing_a_number_are_two_migrations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a real Prisma project names its directories 01_init, 02_add_access_code, 02_report_schema, ...:
    # Prisma records each by its whole name and applies them in name order
    d = tmp_path / "migrations"
    for name, body in {
        "01_init": "CREATE TABLE site (id int PRIMARY KEY);\n",
        "02_add_code": "ALTER TABLE site ADD COLUMN code text;\n",
        "02_add_name": "ALTER TABLE site ADD COLUMN name text;\n",
    }.items():
        (d / name).mkdir(parents=True)
        (d / name / "migration.sql").write_text(body)
    (d / "migration_lock.toml").write_text('provider = "postgresql"\n')
    run(["analyze", str(d), "--format", "json", "--select", "version-collision"])
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert run(["replay", str(d), "--format", "json"]) == 0
