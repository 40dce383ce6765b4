"""Flyway's history table may be renamed (``flyway.table=`` in ``flyway.conf``, ``table =`` in
``flyway.toml``'s ``[flyway]``, ``FLYWAY_TABLE``). The history reader looked only for
``flyway_schema_history``: a renamed table was not reconciled, and compare/plan listed it as drift made by
hand. It is now found by its columns under any name, and the plan's ``history_table`` (which
history_repair.sql writes) is the configured one, in Flyway's default schema."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgconsolidate.cli import run
from pgconsolidate.generate.history import flyway_checksum, flyway_description
from pgconsolidate.history import read_history, reconcile
from pgconsolidate.history.model import CONTENT_DIFFERS
from pgconsolidate.history.objects import history_tool
from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.sources.flyway_config import parse_conf, parse_toml, settings_from
from pgconsolidate.sources.reader import read_dir
from pgconsolidate.verify.pipeline import consolidate, make_plan

_TABLE = """
CREATE TABLE "public"."deploy_log" (
    "installed_rank" INT NOT NULL PRIMARY KEY,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
"""
_FILES = {
    "V1__items.sql": "CREATE TABLE items (id bigint PRIMARY KEY, name text);\n",
    "V2__note.sql": "ALTER TABLE items ADD COLUMN note text;\n",
}


def test_table_name_from_conf_and_toml() -> None:
    conf = settings_from(parse_conf("flyway.table=deploy_log\nflyway.schemas=app,public\n", "flyway.conf"))
    assert conf.table == "deploy_log" and conf.history_table == "app.deploy_log"
    toml = settings_from(parse_toml('[flyway]\ntable = "deploy_log"\ndefaultSchema = "ops"\n', "flyway.toml"))
    assert toml.history_table == "ops.deploy_log"
    assert settings_from({}).history_table == "public.flyway_schema_history"


def test_recognised_by_columns() -> None:
    cols = ["installed_rank", "version", "description", "type", "script", "checksum", "installed_by"]
    cols += ["installed_on", "execution_time", "success"]
    assert history_tool("public", "deploy_log", cols) == "flyway"
    assert history_tool("public", "schema_version", ["version_rank", *cols]) == "flyway"  # Flyway 3-4
    assert history_tool("public", "jobs", ["id", "execution_time", "success"]) is None
    sqlx = ["version", "description", "installed_on", "success", "checksum", "execution_time"]
    assert history_tool("app", "migrations_log", sqlx) == "sqlx"
    assert history_tool("app", "migrations_log", [*sqlx, "extra"]) is None


def _project(tmp_path: Path) -> Path:
    src = tmp_path / "db" / "migration"
    src.mkdir(parents=True)
    for name, body in _FILES.items():
        (src / name).write_text(body)
    (tmp_path / "db" / "flyway.conf").write_text("flyway.table=deploy_log\n")
    return src


def _production(url: str, changed: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(_TABLE.encode())
        for rank, (name, body) in enumerate(_FILES.items(), 1):
            conn.execute(body.encode())
            recorded = changed if name == "V2__note.sql" else body
            conn.execute(
                "INSERT INTO deploy_log (installed_rank, version, description, type, script, checksum, "
                "installed_by, execution_time, success) VALUES (%s, %s, %s, 'SQL', %s, %s, 'app', 3, true)",
                (rank, str(rank), flyway_description(name), name, flyway_checksum(recorded)),
            )


def test_renamed_table_is_read_reconciled_and_not_drift(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _project(tmp_path)
    _production(scratch_db, changed="ALTER TABLE items ADD COLUMN note varchar;\n")
    [h] = read_history(scratch_db)
    assert (h.tool, h.table) == ("flyway", "public.deploy_log")
    r = reconcile(h, read_dir(str(src)))
    assert [(i.kind, i.path) for i in r.issues] == [(CONTENT_DIFFERS, "V2__note.sql")]
    capsys.readouterr()
    assert run(["compare", scratch_db, str(src)]) == 0
    out = capsys.readouterr().out
    assert "equivalent: no differences" in out and "public.deploy_log (flyway)" in out


def test_plan_and_history_repair_use_the_configured_table(tmp_path: Path) -> None:
    src = _project(tmp_path)
    plan = make_plan(str(src), None)
    assert plan.settings.history_table == "public.deploy_log"
    (tmp_path / "plan.toml").write_text(write_plan(plan))
    res = consolidate(str(src), tmp_path / "plan.toml", tmp_path / "out")
    assert res.differences == []
    repair = (tmp_path / "out" / "history_repair.sql").read_text()
    assert '"public"."deploy_log"' in repair and "flyway_schema_history" not in repair
