"""Flyway placeholders: replay substitutes them as Flyway does (configuration next to the directory, the
environment, built-ins) and says so; a placeholder without a value is a one-line error with file:line.
Flyway's history in a non-default schema is found by the history reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.db.connect import connection
from pgconsolidate.errors import InputError
from pgconsolidate.history.reader import read_history
from pgconsolidate.replay.placeholders import read_settings, substitute_dir
from pgconsolidate.sources.flyway_config import parse_conf, parse_toml, settings_from, substitute
from pgconsolidate.sources.reader import read_dir

FILES = {
    "V1__init.sql": "CREATE SCHEMA IF NOT EXISTS ${flyway:defaultSchema};\n"
    "-- owned by ${owner}\n"
    "CREATE TABLE ${flyway:defaultSchema}.${prefix}_items (id int PRIMARY KEY);\n",
    "V2__more.sql": "ALTER TABLE ${flyway:defaultSchema}.${prefix}_items ADD COLUMN note text;\n"
    "COMMENT ON TABLE ${flyway:defaultSchema}.${prefix}_items IS 'made by ${flyway:filename}';\n",
}


def _project(tmp_path: Path, config: dict[str, str], files: dict[str, str] = FILES) -> Path:
    mig = tmp_path / "proj" / "src" / "db" / "migration"
    mig.mkdir(parents=True)
    for name, text in files.items():
        (mig / name).write_text(text)
    for rel, text in config.items():
        path = tmp_path / "proj" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return mig


def test_conf_parsing_and_substitution_are_pure() -> None:
    conf = parse_conf(
        "# comment\nflyway.schemas = app, other\nflyway.placeholders.owner: alice\n"
        "flyway.placeholders.long=a\\\n  b\n! also a comment\n",
        "flyway.conf",
    )
    s = settings_from(conf)
    assert s.schema == "app" and s.placeholders == {"owner": "alice", "long": "ab"}
    toml = parse_toml(
        '[environments.default]\nschemas = ["tenant"]\n[flyway]\n[flyway.placeholders]\nowner = "bob"\n',
        "flyway.toml",
    )
    t = settings_from(toml)
    assert t.schema == "tenant" and t.placeholders == {"owner": "bob"}
    text, used = substitute("a ${owner}\nb ${flyway:defaultSchema}.x", t, "V1__a.sql")
    assert text == "a bob\nb tenant.x" and [(u.name, line) for u, line in used] == [
        ("owner", 1),
        ("flyway:defaultSchema", 2),
    ]
    assert settings_from({}).schema == "public"
    off = settings_from({"flyway.placeholderReplacement": "false"})
    assert substitute("${x}", off, "V1__a.sql")[0] == "${x}"
    custom = settings_from({"flyway.placeholderPrefix": "#[", "flyway.placeholderSuffix": "]"})
    assert substitute("x #[flyway:defaultSchema] ${y}", custom, "V1__a.sql")[0] == "x public ${y}"
    with pytest.raises(InputError, match=r"^V1__a\.sql:2: placeholder \$\{nope\} has no value"):
        substitute("ok\n${nope}", t, "V1__a.sql")


def test_replay_substitutes_from_flyway_conf_and_says_so(tmp_path: Path, capsys) -> None:
    mig = _project(
        tmp_path,
        {"conf/flyway.conf": "flyway.defaultSchema=app\nflyway.placeholders.owner=alice\n"
         "flyway.placeholders.prefix=shop\n"},
    )  # fmt: skip
    assert run(["replay", str(mig), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["failures"] == []
    said = "\n".join(doc["placeholders"])
    assert "${flyway:defaultSchema} -> 'app' (flyway.defaultSchema): 4 use(s) in 2 file(s)" in said
    assert "${prefix} -> 'shop' (configured)" in said and "conf/flyway.conf" in said
    assert run(["replay", str(mig)]) == 0
    assert "placeholder: ${owner} -> 'alice'" in capsys.readouterr().out


def test_replay_reads_flyway_toml_and_the_environment(tmp_path: Path, monkeypatch) -> None:
    mig = _project(
        tmp_path, {"flyway.toml": '[flyway]\ndefaultSchema = "tenant"\n[flyway.placeholders]\nowner = "x"\n'}
    )
    monkeypatch.setenv("FLYWAY_PLACEHOLDERS_PREFIX", "env")
    mdir, notes = substitute_dir(read_dir(mig), read_settings(mig))
    text = mdir.files[0].text or ""
    assert "CREATE TABLE tenant.env_items" in text and "-- owned by x" in text
    assert any("$FLYWAY_PLACEHOLDERS_PREFIX" in n for n in notes)
    # line numbers are kept: a failure is still reported where it is in the file
    assert text.count("\n") == FILES["V1__init.sql"].count("\n")


def test_unknown_placeholder_is_one_line_with_file_and_line(tmp_path: Path, capsys) -> None:
    mig = _project(tmp_path, {"flyway.conf": "flyway.placeholders.owner=alice\n"})
    assert run(["replay", str(mig)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "V1__init.sql:3: placeholder ${prefix} has no value" in err and "flyway.placeholders.prefix" in err


def test_other_tools_are_not_substituted(tmp_path: Path) -> None:
    d = tmp_path / "supabase" / "migrations"
    d.mkdir(parents=True)
    (d / "20240101000000_a.sql").write_text("SELECT '${flyway:defaultSchema}';\n")
    mdir = read_dir(d)
    assert substitute_dir(mdir) == (mdir, ())


def test_flyway_history_in_a_non_default_schema_is_found(scratch_db: str) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE SCHEMA app; CREATE TABLE app.flyway_schema_history (installed_rank int PRIMARY KEY, "
            "version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL, "
            "script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL, "
            "installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, "
            "success bool NOT NULL);"
            "INSERT INTO app.flyway_schema_history VALUES (1, '1', 'init', 'SQL', 'V1__init.sql', 5, 'u', "
            "now(), 3, true)"
        )
    (table,) = read_history(scratch_db)
    assert table.tool == "flyway" and table.table == "app.flyway_schema_history"
    assert [e.version for e in table.entries] == ["1"]
