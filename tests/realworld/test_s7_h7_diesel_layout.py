"""Diesel keeps one directory per migration (``2020-01-01-000000_create_users/up.sql`` and ``down.sql``,
plus its own ``00000000000000_diesel_initial_setup``). Every such directory was left out as a
"subdirectory: not read by the migration tool" and the project had "0 migration files" (exit 0). They are
read now, in Diesel's version order (the name's part before ``_`` without dashes); consolidate says it
writes that layout (session 8; it said it could not before)."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.replay.runner import replay_into
from pgconsolidate.sources.model import Scheme
from pgconsolidate.sources.reader import read_dir

_DIRS = {
    "2020-02-01-000000_add_email": (
        "ALTER TABLE users ADD COLUMN email text;\n",
        "ALTER TABLE users DROP COLUMN email;\n",
    ),
    "00000000000000_diesel_initial_setup": (
        "CREATE OR REPLACE FUNCTION diesel_set_updated_at() RETURNS trigger AS $$ BEGIN "
        "NEW.updated_at := current_timestamp; RETURN NEW; END; $$ LANGUAGE plpgsql;\n",
        "DROP FUNCTION diesel_set_updated_at();\n",
    ),
    "2020-01-01-000000_create_users": (
        "CREATE TABLE users (id SERIAL PRIMARY KEY, name VARCHAR NOT NULL);\n",
        "DROP TABLE users;\n",
    ),
}


def _diesel(tmp_path: Path) -> Path:
    root = tmp_path / "migrations"
    for name, (up, down) in _DIRS.items():
        (root / name).mkdir(parents=True)
        (root / name / "up.sql").write_text(up)
        (root / name / "down.sql").write_text(down)
    (root / "notes").mkdir()
    (root / ".keep").write_text("")
    return root


def test_diesel_directories_are_read_in_version_order(tmp_path: Path, scratch_db: str) -> None:
    mdir = read_dir(str(_diesel(tmp_path)))
    assert mdir.tool is Scheme.DIESEL
    assert [f.path for f in mdir.files] == [
        "00000000000000_diesel_initial_setup/up.sql",
        "2020-01-01-000000_create_users/up.sql",
        "2020-02-01-000000_add_email/up.sql",
    ]
    assert [f.version for f in mdir.files] == ["00000000000000", "20200101000000", "20200201000000"]
    reasons = {lo.path: lo.reason for lo in mdir.left_out}
    assert reasons["2020-01-01-000000_create_users/down.sql"] == "down migration"
    assert "notes/" in reasons
    assert replay_into(scratch_db, mdir).ok


def test_consolidate_writes_the_layout(tmp_path: Path, capsys) -> None:
    # session 8: written in Diesel's layout (tests/consolidate/test_s8_h9_layouts.py)
    d = _diesel(tmp_path)
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["analyze", str(d)]) == 0
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    capsys.readouterr()
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 0
    assert read_dir(str(out / "migrations")).tool is Scheme.DIESEL


def test_a_flat_directory_with_subdirectories_stays_flat(tmp_path: Path) -> None:
    root = tmp_path / "m"
    (root / "archive" / "2019-01-01-000000_old").mkdir(parents=True)
    (root / "archive" / "2019-01-01-000000_old" / "up.sql").write_text("SELECT 1;\n")
    (root / "20240101000000_init.sql").write_text("CREATE TABLE t (id int);\n")
    mdir = read_dir(str(root))
    assert mdir.tool is not Scheme.DIESEL and [f.path for f in mdir.files] == ["20240101000000_init.sql"]


def test_diesel_history_is_reconciled(tmp_path: Path, scratch_db: str, capsys) -> None:
    import psycopg

    d = _diesel(tmp_path)
    assert replay_into(scratch_db, read_dir(str(d))).ok
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY NOT NULL, "
            "run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        conn.execute(
            "INSERT INTO __diesel_schema_migrations (version) VALUES ('00000000000000'), ('20200101000000')"
        )
    capsys.readouterr()
    assert run(["inspect", "--database-url", scratch_db, "--against", str(d)]) == 1
    text = capsys.readouterr().out
    assert "public.__diesel_schema_migrations (diesel): 2 applied, 3 files, 2 matched" in text
    assert "2020-02-01-000000_add_email/up.sql was never applied" in text
    assert "table public.__diesel_schema_migrations" not in text  # history, not drift
