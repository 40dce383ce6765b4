"""replay's hints for a setting the server does not know (42704 ``unrecognized configuration parameter``:
it said "missing object: created by no earlier migration", as for a table), and its wording in a directory of
``<digits>_<name>.sql`` files outside a Supabase project (the names do not tell the tool: no "the Supabase
CLI" there, for a shared version or a ``seed.sql`` beside the migrations). Replayed on the real server."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.scratch import ScratchServer

from .helpers import failure_hints, replay_cli, write_dir


def _replay(capsys: pytest.CaptureFixture[str], d: Path, *extra: str) -> tuple[int, str]:
    return replay_cli(capsys, d, "--keep-going", *extra)


def _hints(capsys: pytest.CaptureFixture[str], d: Path) -> dict[int, tuple[str, str]]:
    """line -> (sqlstate, hint) of each failure of the directory's one file."""
    code, out = _replay(capsys, d, "--format", "json")
    assert code == 1
    return failure_hints(out)


def test_unknown_settings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scratch_server: ScratchServer
) -> None:
    d = write_dir(
        tmp_path / "m",
        {
            "001_a.sql": "create table t (id int);\n"
            "SET x = 1;\n"  # 2
            "alter role current_user set statement_timeot = 1;\n"  # 3: misspelt
            "select current_setting('app.jwt_secret');\n"  # 4: custom, never set
            "SET app.x = 1;\n"  # 5: a dotted name is accepted
            "select current_setting('app.x');\n",  # 6: set just before: fine
        },
    )
    hints = _hints(capsys, d)
    assert sorted(hints) == [2, 3, 4]
    assert all(state == "42704" for state, _ in hints.values())
    assert hints[2][1].startswith("unknown setting x: this PostgreSQL has no setting of that name; a custom")
    assert "needs a dotted name (app.x)" in hints[2][1] and "another PostgreSQL version" in hints[2][1]
    assert hints[3][1].startswith("unknown setting statement_timeot:")
    assert hints[4][1].startswith("unset setting app.jwt_secret: a custom (dotted) setting has no value")
    assert "current_setting('app.jwt_secret', true), which gives NULL" in hints[4][1]
    assert not any("missing object" in h for _, h in hints.values())


def test_other_undefined_objects_keep_their_hints(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scratch_server: ScratchServer
) -> None:
    d = write_dir(
        tmp_path / "m",
        {
            "001_a.sql": "create table t (id int);\n"
            "drop index nosuch;\n"  # 2
            "create table v (e vector(3));\n"  # 3
            "select 'x'::nosuch_type;\n"  # 4
            'create table c (a text collate "nosuch");\n',  # 5
        },
    )
    hints = _hints(capsys, d)
    assert {line: state for line, (state, _) in hints.items()} == dict.fromkeys((2, 3, 4, 5), "42704")
    assert hints[2][1].startswith("drop of a missing object: add IF EXISTS")
    assert hints[3][1].startswith("missing extension: the vector type needs the vector extension")
    assert hints[4][1].startswith("missing object: created by no earlier migration")
    assert hints[5][1].startswith("missing object: created by no earlier migration")


def _project(root: Path) -> Path:
    """A ``migrations`` directory with a shared version and a table only ``../seed.sql`` creates."""
    (root).mkdir(parents=True)
    (root / "seed.sql").write_text("create table seeded (id int);\n")
    return write_dir(
        root / "migrations",
        {
            "20240101000000_a.sql": "create table a (id int);\n",
            "20240101000000_b.sql": "create table b (id int);\n",  # the same version
            "20240102000000_c.sql": "insert into seeded values (1);\n",
        },
    )


def test_outside_a_supabase_project_the_tool_is_not_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scratch_server: ScratchServer
) -> None:
    code, out = _replay(capsys, _project(tmp_path / "db"))
    assert code == 1
    words = " ".join(out.split())
    assert "Supabase" not in words, words
    assert (
        "version: 20240101000000_b.sql shares version 20240101000000 with 20240101000000_a.sql; replayed "
        "anyway, but migration tools record one row per version: the second file is refused or never run"
    ) in words
    assert (
        "only ../seed.sql creates it, and the migration tool does not run that file (next to the migrations "
        "directory, not in it: applied by hand, if at all)"
    ) in words


def test_in_a_supabase_project_the_cli_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scratch_server: ScratchServer
) -> None:
    code, out = _replay(capsys, _project(tmp_path / "supabase"))
    assert code == 1
    words = " ".join(out.split())
    assert "but the Supabase CLI fails on the schema_migrations primary key at the second file" in words
    assert (
        "only ../seed.sql creates it, and the migration tool does not run that file (the Supabase CLI runs "
        "it after the migrations on db reset, never on db push)"
    ) in words
