"""The Supabase CLI (and dbmate) run every file whose name matches ``^\\d+_.*\\.sql$``: a
``<version>_<name>.down.sql`` in such a directory is a migration to them, run in name order (before its up
file, whose version it shares), not a down migration to leave out."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay.analysis import DOWN_FILE_RUN
from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations


def test_a_down_file_is_run_in_name_order(tmp_path: Path) -> None:
    d = migrations(
        tmp_path,
        {
            "20240101000000_init.sql": "create table a (id int);\n",
            "20240101000000_init.down.sql": "drop table a;\n",
            "20240102000000_b.sql": "alter table a add column b int;\n",
        },
        "supabase/migrations",
    )
    mdir = read_dir(d)
    assert mdir.tool.value == "supabase"
    assert [(f.path, f.version, f.name) for f in mdir.files] == [
        ("20240101000000_init.down.sql", "20240101000000", "init.down"),
        ("20240101000000_init.sql", "20240101000000", "init"),
        ("20240102000000_b.sql", "20240102000000", "b"),
    ]
    assert mdir.left_out == ()


def test_golang_migrate_down_files_stay_out(tmp_path: Path) -> None:
    files = {"000001_init.up.sql": "create table a (id int);\n", "000001_init.down.sql": "drop table a;\n"}
    mdir = read_dir(migrations(tmp_path, files, "db/migrations"))
    assert mdir.tool.value == "golang-migrate"
    assert [f.path for f in mdir.files] == ["000001_init.up.sql"]
    assert [(lo.path, lo.reason) for lo in mdir.left_out] == [("000001_init.down.sql", "down migration")]


def test_replay_says_a_failing_down_file_is_run_as_a_migration(
    tmp_path: Path, scratch_server: ScratchServer
) -> None:
    d = migrations(
        tmp_path,
        {
            "20240101000000_init.sql": "create table a (id int);\n",
            "20240101000000_init.down.sql": "drop table a;\n",
        },
        "supabase/migrations",
    )
    result = replay_dir(read_dir(d), scratch_server, keep_going=True)
    [failure] = result.failures
    assert failure.file == "20240101000000_init.down.sql"
    assert DOWN_FILE_RUN in failure.hint
