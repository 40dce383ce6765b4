"""goose's ``-- +goose ENVSUB ON``: the lines after it are read with the environment's values, as goose
(3.18+) runs them. Before, ``CREATE ROLE ${APP_ROLE}`` was a parse error in analyze and a replay failure
whose hint blamed "Flyway, Liquibase"."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.errors import InputError
from pgconsolidate.report.analyze import analyze_directory
from pgconsolidate.sources.goose_envsub import envsub
from pgconsolidate.sources.reader import read_dir

ENV_FILE = (
    "-- +goose Up\n"
    "-- +goose ENVSUB ON\n"
    "CREATE SCHEMA IF NOT EXISTS ${APP_SCHEMA};\n"
    "CREATE TABLE ${APP_SCHEMA}.notes (id int PRIMARY KEY, kind text DEFAULT '${KIND:-plain}');\n"
    "CREATE FUNCTION ${APP_SCHEMA}.f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;\n"
    "-- +goose ENVSUB OFF\n"
    "COMMENT ON TABLE ${APP_SCHEMA}.notes IS 'x';\n"
    "-- +goose Down\n"
    "DROP SCHEMA ${APP_SCHEMA} CASCADE;\n"
)


def test_envsub_regions_and_forms() -> None:
    text, used, _ = envsub(ENV_FILE, {"APP_SCHEMA": "app"}, "1.sql")
    lines = text.splitlines()
    assert lines[2] == "CREATE SCHEMA IF NOT EXISTS app;"
    assert lines[3].endswith("DEFAULT 'plain');")  # ${KIND:-plain}: unset, its default
    assert "$body$ BEGIN RETURN 1; END $body$" in lines[4]  # an unset $name is a dollar quote
    assert lines[6] == "COMMENT ON TABLE ${APP_SCHEMA}.notes IS 'x';"  # after ENVSUB OFF: as written
    env = "${APP_SCHEMA} -> its value in the environment (not shown)"
    assert used == [
        (env, 3),
        (env, 4),
        ("${KIND:-plain} -> 'plain' (its default: KIND is not set)", 4),
        (env, 5),
    ]
    with pytest.raises(InputError, match=r"1\.sql:3: \$\{APP_SCHEMA\} is not set in the environment"):
        envsub(ENV_FILE, {}, "1.sql")
    assert envsub(ENV_FILE, {}, "1.sql", strict=False)[0].splitlines()[2] == lines[2].replace(
        "app", "${APP_SCHEMA}"
    )


def _dir(tmp_path: Path) -> Path:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "00001_env.sql").write_text(ENV_FILE)
    (d / "00002_more.sql").write_text("-- +goose Up\nCREATE TABLE t (id int PRIMARY KEY);\n")
    return d


def test_analyze_reads_the_substituted_up_part(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("APP_SCHEMA", "a_much_longer_schema_name")
    report = analyze_directory(_dir(tmp_path))
    assert report.mdir.tool.value == "goose"
    parse_errors = [f for f in report.findings if f.rule == "parse-error"]
    # only the COMMENT after ENVSUB OFF (goose sends it as written, and PostgreSQL rejects it)
    assert [(f.location.file, f.location.line) for f in parse_errors] == [("00001_env.sql", 7)]
    ids = {o.id for o in report.objects}
    assert {"a_much_longer_schema_name.notes", "public.t"} <= ids
    assert not any("DROP" in f.message for f in report.findings)  # the down part stays out


def test_replay_substitutes_or_names_the_missing_variable(tmp_path: Path, monkeypatch, capsys) -> None:
    d = _dir(tmp_path)
    (d / "00001_env.sql").write_text(
        ENV_FILE.replace("COMMENT ON TABLE ${APP_SCHEMA}.notes", "COMMENT ON TABLE t0")
    )
    (d / "00000_t0.sql").write_text("-- +goose Up\nCREATE TABLE t0 (id int);\n")
    monkeypatch.delenv("APP_SCHEMA", raising=False)
    capsys.readouterr()
    assert run(["replay", str(d)]) == 2
    assert "00001_env.sql:3: ${APP_SCHEMA} is not set in the environment" in capsys.readouterr().err
    monkeypatch.setenv("APP_SCHEMA", "app")
    assert run(["replay", str(d)]) == 0
    shown = capsys.readouterr().out
    assert "3 applied cleanly" in shown
    assert "${APP_SCHEMA} -> its value in the environment (not shown) (goose ENVSUB): 3 use(s)" in shown
    assert read_dir(str(d)).tool.value == "goose"
