"""analyze and objects read a Flyway directory as Flyway runs it: ``${...}`` placeholders substituted from
the configuration next to it (replay already did). Before, every statement naming a placeholder
(``CREATE TABLE ${schema}.t``, common in Spring/Flyway projects) was a parse error and missing from the
model. A placeholder without a value stays as written (a parse error, as before), since its value may come
from where pgconsolidate does not look (a Spring Boot application.yml): analyze does not stop on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.report.analyze import analyze_directory


def _project(tmp_path: Path, *, conf: bool, nested: bool = False) -> Path:
    mig = tmp_path / "proj" / "src" / "main" / "resources" / "db" / "migration"
    sub = mig / "v1" if nested else mig
    sub.mkdir(parents=True)
    (sub / "V1__init.sql").write_text(
        "CREATE SCHEMA IF NOT EXISTS ${app_schema};\n"
        "CREATE TABLE ${app_schema}.orders (id bigint PRIMARY KEY, note text);\n"
    )
    (sub / "V2__more.sql").write_text("ALTER TABLE ${app_schema}.orders ADD COLUMN total numeric;\n")
    if conf:
        (tmp_path / "proj" / "flyway.conf").write_text("flyway.placeholders.app_schema=shop\n")
    return mig


@pytest.mark.parametrize("nested", [False, True])
def test_placeholders_are_substituted_before_the_model(tmp_path: Path, monkeypatch, nested: bool) -> None:
    monkeypatch.chdir(tmp_path)
    report = analyze_directory(_project(tmp_path, conf=True, nested=nested))
    assert not [f for f in report.findings if f.rule == "parse-error"]
    assert report.mdir.tool.value == "flyway"
    columns = {o.id for o in report.objects if o.id.startswith("shop.orders.")}
    assert {"shop.orders.id", "shop.orders.note", "shop.orders.total"} <= columns


def test_a_placeholder_without_value_stays_a_parse_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    report = analyze_directory(_project(tmp_path, conf=False))
    assert len([f for f in report.findings if f.rule == "parse-error"]) == 3


def test_objects_shows_the_substituted_objects(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    mig = _project(tmp_path, conf=True)
    capsys.readouterr()
    assert run(["objects", str(mig), "shop.orders", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "shop.orders" in [o["id"] for o in doc["objects"]]
