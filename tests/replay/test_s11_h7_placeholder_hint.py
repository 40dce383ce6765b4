"""A ``${...}`` that reaches the server was sent as written by the directory's tool (Flyway's are substituted
before the chain runs, goose's only after ``-- +goose ENVSUB ON``): the replay hint says the statement fails
wherever it runs. It said the migration tool "(Flyway, Liquibase) substitutes it when it runs the file",
for a goose directory whose tool does no such thing."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run


def test_goose_placeholder_without_envsub_is_said_to_fail_everywhere(tmp_path: Path, capsys) -> None:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "00001_t.sql").write_text("-- +goose Up\nCREATE TABLE ${APP_SCHEMA}.t (id int);\n")
    capsys.readouterr()
    assert run(["replay", str(d)]) == 1
    shown = capsys.readouterr().out
    assert "hint: placeholder ${APP_SCHEMA}: this directory's tool sends it as written" in shown
    assert "Flyway, Liquibase" not in shown
