"""A Flyway location also holds files Flyway does not run as migrations, for reasons a user needs told:
SQL callbacks (``afterMigrate.sql`` re-granting rights after every migrate, ``beforeEachMigrate__log.sql``)
run at their event, and a migration named with one underscore (``V11_task_index.sql``) is skipped by
Flyway (an error with ``validateMigrationNaming``), and a baseline migration (``B1_1__baseline.sql``) runs
only on an empty database in place of the versioned files up to its version. All were "name has no version
prefix: not a migration"."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.sources.reader import read_dir

from .helpers import migrations


def test_callbacks_and_one_underscore_names_said(tmp_path: Path) -> None:
    d = migrations(
        tmp_path,
        {
            "V1__init.sql": "CREATE TABLE t (id int PRIMARY KEY);\n",
            "V11_task_index.sql": "CREATE INDEX t_id ON t (id);\n",
            "R_views.sql": "CREATE VIEW v AS SELECT 1;\n",
            "afterMigrate.sql": "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;\n",
            "hotfix.sql": "SELECT 1;\n",
            "B1_1__baseline.sql": "CREATE TABLE t (id int PRIMARY KEY);\n",
        },
        sub="db/migration",
    )
    (d / "callbacks").mkdir()
    (d / "callbacks" / "beforeEachMigrate__log.sql").write_text("SELECT 1;\n")
    md = read_dir(d)
    assert [f.path for f in md.files] == ["V1__init.sql"]
    reasons = {lo.path: lo.reason for lo in md.left_out}
    assert reasons["afterMigrate.sql"].startswith("Flyway callback: Flyway runs it at afterMigrate")
    assert reasons["callbacks/beforeEachMigrate__log.sql"].startswith(
        "Flyway callback: Flyway runs it at beforeEach"
    )
    assert reasons["V11_task_index.sql"].startswith(
        "not a Flyway migration name: V<version>__<description>.sql"
    )
    assert reasons["R_views.sql"] == reasons["V11_task_index.sql"]
    assert reasons["hotfix.sql"] == "name has no version prefix: not a migration"
    assert reasons["B1_1__baseline.sql"].startswith(
        "Flyway baseline migration: on an empty database Flyway runs"
    )
    assert "versioned migrations up to 1.1" in reasons["B1_1__baseline.sql"]


def test_other_tools_keep_the_plain_reason(tmp_path: Path) -> None:
    d = migrations(tmp_path, {"20240101000000_a.sql": "SELECT 1;\n", "afterMigrate.sql": "SELECT 2;\n"})
    [lo] = read_dir(d).left_out
    assert lo.reason == "name has no version prefix: not a migration"
