"""Outside a Supabase project, a directory of ``<digits>_<name>.sql`` files is still ordered as the Supabase
CLI orders it (``tool`` stays Scheme.SUPABASE), but its names do not tell the tool (dbmate without markers,
sqlx and hand-rolled runners use the same names): messages said "supabase runs each file in a transaction"
and "the Supabase CLI skips it" there. They now say "the migration tool", and what the tools that use such
names do; in a Supabase project they are unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.sources.model import NEUTRAL_TOOL
from pgconsolidate.sources.reader import read_dir

TYPE = "create type mood as enum ('happy', 'sad');\ncreate table t (id int, m mood);\n"
FILES = {
    "20240101000000_a.sql": TYPE,
    "20240102000000_b.sql": "create index concurrently t_id on t (id);\n",
    "20240103000000_c.sql": "alter type mood add value 'meh';\ninsert into t (id, m) values (1, 'meh');\n",
    "20240104-fix.sql": "create table fix (id int);\n",  # not <digits>_<name>.sql
}


def _dir(path: Path) -> Path:
    path.mkdir(parents=True)
    for name, text in FILES.items():
        (path / name).write_text(text)
    return path


def _analyze(capsys: pytest.CaptureFixture[str], d: Path) -> dict[str, str]:
    """rule -> message of each finding of ``analyze --format json`` (one per rule here)."""
    run(["analyze", str(d), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    return {f["rule"]: f["message"] for f in doc["findings"]}


def test_outside_a_supabase_project_the_tool_is_not_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _dir(tmp_path / "db" / "migrations")
    mdir = read_dir(d)
    assert (mdir.tool.value, mdir.tool_named, mdir.tool_name) == ("supabase", False, NEUTRAL_TOOL)
    found = _analyze(capsys, d)
    assert "(and the migration tool runs each file in a transaction)" in found["concurrently-in-transaction"]
    assert (
        "the migration tool runs each migration file in one transaction"
        in found["enum-value-used-in-transaction"]
    )
    assert not any("supabase" in m.lower() for m in found.values()), found
    [left] = mdir.left_out
    assert left.path == "20240104-fix.sql"
    assert left.reason.startswith("not <digits>_<name>.sql as the other files are: the migration tool")
    assert "the Supabase CLI and sqlx do, while dbmate runs it" in left.reason
    run(["inventory", str(d)])
    words = " ".join(capsys.readouterr().out.split())
    assert "left out: 20240104-fix.sql (not <digits>_<name>.sql as the other files are" in words


def test_in_a_supabase_project_the_wording_is_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _dir(tmp_path / "supabase" / "migrations")
    mdir = read_dir(d)
    assert (mdir.tool_named, mdir.tool_name) == (True, "supabase")
    found = _analyze(capsys, d)
    assert "(and supabase runs each file in a transaction)" in found["concurrently-in-transaction"]
    assert "supabase runs each migration file in one transaction" in found["enum-value-used-in-transaction"]
    [left] = mdir.left_out
    assert left.reason == (
        "not <timestamp>_<name>.sql: the Supabase CLI skips it (db reset and db push never run it; "
        "rename it <digits>_<name>.sql if it is a migration)"
    )


def test_a_supabase_config_above_names_the_cli(tmp_path: Path) -> None:
    (tmp_path / "supabase").mkdir()
    (tmp_path / "supabase" / "config.toml").write_text('project_id = "x"\n')
    mdir = read_dir(_dir(tmp_path / "db" / "migrations"))
    assert mdir.tool_named
    assert "the Supabase CLI skips it" in mdir.left_out[0].reason


def test_other_tools_are_named(tmp_path: Path) -> None:
    d = tmp_path / "m"
    d.mkdir()
    (d / "00001_a.sql").write_text("-- +goose Up\ncreate table a (id int);\n")
    mdir = read_dir(d)
    assert (mdir.tool.value, mdir.tool_named, mdir.tool_name) == ("goose", True, "goose")
