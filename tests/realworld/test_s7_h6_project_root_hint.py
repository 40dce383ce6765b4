"""A Supabase project given by its root (the files are in supabase/migrations): replay said "replayed 0 of
0 files ... 0 applied cleanly" and exit 0 with no word that nothing was read, and consolidate's error
listed 'supabase/: subdirectory'; both now name the directory the user probably meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.replay.nested import nested_migrations
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations


def test_nested_migrations_found_only_when_the_root_has_no_files(tmp_path: Path) -> None:
    files = {"20240101000000_init.sql": "CREATE TABLE t (id bigint PRIMARY KEY);\n"}
    nested = migrations(tmp_path, files, sub="app/supabase/migrations")
    root = nested.parent.parent
    assert nested_migrations(read_dir(str(root))) == nested
    assert nested_migrations(read_dir(str(nested))) is None
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "supabase").mkdir()
    assert nested_migrations(read_dir(str(empty))) is None


def test_replay_and_consolidate_name_the_nested_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"20240101000000_init.sql": "CREATE TABLE t (id bigint PRIMARY KEY);\n"}
    nested = migrations(tmp_path, files, sub="app/supabase/migrations")
    root = nested.parent.parent
    run(["replay", str(root)])
    assert f"no migration files; did you mean {nested}?" in capsys.readouterr().err
    plan = tmp_path / "p.toml"
    assert run(["plan", str(root), "-o", str(plan)]) == 2
    assert f"did you mean {nested}?" in capsys.readouterr().err
    assert not plan.exists()
    plan.write_text(f'directory = "{root}"\n')
    assert run(["consolidate", str(root), "--plan", str(plan), "--out", str(tmp_path / "out")]) == 2
    assert f"did you mean {nested}?" in capsys.readouterr().err
