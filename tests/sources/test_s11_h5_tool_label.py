"""analyze titled every directory of ``<digits>_<name>.sql`` files ``migrations: supabase``, even outside a
Supabase project (dbmate without markers, sqlx and hand-rolled runners use the same names). The label says
``supabase`` only for a Supabase project's directory (under a ``supabase`` directory, or with a
``supabase/config.toml`` in it or above it, up to the repository's root); elsewhere the naming,
``<digits>_<name>.sql``. What depends on the tool (the order, the history table, the output's names) is
unchanged: ``tool`` is still Scheme.SUPABASE."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.sources.model import NEUTRAL_LABEL, Scheme
from pgconsolidate.sources.reader import read_dir

FILES = {
    "20240102000000_b.sql": "create table b (id int);\n",
    "20240101000000_a.sql": "create table a (id int);\n",
}


def _dir(path: Path, files: dict[str, str] = FILES) -> Path:
    path.mkdir(parents=True)
    for name, text in files.items():
        (path / name).write_text(text)
    return path


def test_outside_a_supabase_project_the_label_is_the_naming(tmp_path: Path) -> None:
    mdir = read_dir(_dir(tmp_path / "db" / "migrations"))
    assert mdir.tool is Scheme.SUPABASE  # what depends on the tool is unchanged
    assert [f.path for f in mdir.files] == ["20240101000000_a.sql", "20240102000000_b.sql"]
    assert mdir.tool_label == NEUTRAL_LABEL == "<digits>_<name>.sql"


@pytest.mark.parametrize("where", ["supabase/migrations", "app/supabase/migrations"])
def test_under_a_supabase_directory_it_is_supabase(tmp_path: Path, where: str) -> None:
    assert read_dir(_dir(tmp_path / where)).tool_label == "supabase"


def test_a_supabase_config_above_makes_it_supabase(tmp_path: Path) -> None:
    (tmp_path / "supabase").mkdir()
    (tmp_path / "supabase" / "config.toml").write_text('project_id = "x"\n')
    assert read_dir(_dir(tmp_path / "db" / "migrations")).tool_label == "supabase"
    # not past the repository's root: an outer project's config is not this one's
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert read_dir(_dir(tmp_path / "repo" / "migrations")).tool_label == NEUTRAL_LABEL


def test_other_tools_keep_their_names(tmp_path: Path) -> None:
    dbmate = {"20240101000000_a.sql": "-- migrate:up\ncreate table a (id int);\n-- migrate:down\n"}
    assert read_dir(_dir(tmp_path / "m1", dbmate)).tool_label == "dbmate"
    flyway = {"V1__a.sql": "create table a (id int);\n"}
    assert read_dir(_dir(tmp_path / "m2", flyway)).tool_label == "flyway"


def test_analyze_and_inventory_show_the_label(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _dir(tmp_path / "migrations")
    run(["analyze", str(d)])
    words = " ".join(capsys.readouterr().out.split())  # the title may wrap on a narrow terminal
    assert "migrations: <digits>_<name>.sql" in words and "migrations: supabase" not in words
    run(["inventory", str(d)])
    assert "(<digits>_<name>.sql: 2 migration files)" in " ".join(capsys.readouterr().out.split())
