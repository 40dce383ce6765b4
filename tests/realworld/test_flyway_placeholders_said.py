"""Flyway files with ``${flyway:defaultSchema}`` placeholders (Flyway substitutes them when it runs a
file): replay called them 'syntax error: this statement never ran anywhere as written', which is false.
The hint now names the placeholder and what to do."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.replay.hints import hint_for

from .helpers import migrations


def test_placeholder_hint_is_pure() -> None:
    hint = hint_for("42601", 'syntax error at or near "$"', statement="CREATE TABLE ${app}.t (id int)")
    assert hint.startswith("placeholder ${app}:")
    plain = hint_for("42601", 'syntax error at or near "tabel"', statement="CREATE TABEL t (id int)")
    assert plain.startswith("syntax error:")


def test_replay_names_the_placeholder(tmp_path: Path, capsys) -> None:
    # not a Flyway directory (numbered files, e.g. Liquibase's): nothing substitutes the placeholder
    # (a Flyway directory's are substituted: tests/replay/test_s7_h8_flyway_placeholders.py)
    d = migrations(
        tmp_path,
        {
            "001_init.sql": "CREATE SCHEMA IF NOT EXISTS ${flyway:defaultSchema};\n",
            "002_t.sql": "CREATE TABLE ${flyway:defaultSchema}.t (id int PRIMARY KEY);\n",
        },
    )
    assert run(["replay", str(d), "--keep-going", "--format", "json"]) == 1
    failures = json.loads(capsys.readouterr().out)["failures"]
    assert [f["file"] for f in failures] == ["001_init.sql", "002_t.sql"]
    assert all(f["hint"].startswith("placeholder ${flyway:defaultSchema}") for f in failures)


def test_consolidate_says_there_is_nothing_it_could_build(tmp_path: Path, capsys) -> None:
    """Every statement fails, so the clean set is empty: consolidate failed on its own temporary path
    ('.out.pgc-tmp/migrations: no such directory'); it now says why, exit 2, nothing written."""
    d = migrations(tmp_path, {"001_init.sql": "CREATE TABLE ${schema}.t (id int PRIMARY KEY);\n"})
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    capsys.readouterr()
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "nothing to consolidate" in err and "1 statement(s) fail" in err and "pgc-tmp" not in err
    assert not out.exists()
