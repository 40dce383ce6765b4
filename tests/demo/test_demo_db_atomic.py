"""demo-db builds all or nothing: a build that fails leaves no database (or, built into an existing empty
one, nothing it added), and the one-line error names the file and line."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.db.connect import connection
from pgconsolidate.demo import build_production_db, build_production_into
from pgconsolidate.demo.undo import capture
from pgconsolidate.errors import DatabaseError
from pgconsolidate.scratch import ScratchServer

BREAKS = "CREATE TABLE public.kept_before (id bigint);\nSELECT 1;\n" + (
    "SELECT pg_terminate_backend(pg_backend_pid());\n"  # line 3: the connection breaks
)


def _dir(tmp_path: Path, second: str, role: str = "pgc_demo_test_role") -> Path:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "20240101000000_first.sql").write_text(
        f"CREATE ROLE {role};\nCREATE TYPE public.mood AS ENUM ('ok');\n"
        "CREATE TABLE public.things (id bigint PRIMARY KEY, mood public.mood);\n"
        "CREATE SCHEMA private;\nCREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n"
    )
    (d / "20240102000000_second.sql").write_text(second)
    return d


def _exists(server: ScratchServer, name: str) -> bool:
    with connection(server.admin_url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return bool(row and row[0])


def test_a_broken_replay_leaves_no_database(scratch_server: ScratchServer, tmp_path: Path) -> None:
    name = f"pgc_demo_test_{secrets.token_hex(4)}"
    with pytest.raises(DatabaseError) as err:
        build_production_db(scratch_server, str(_dir(tmp_path, BREAKS)), name=name)
    message = err.value.message
    assert "replay stopped at 20240102000000_second.sql:3" in message
    assert "was not created" in message and "\n" not in message
    assert not _exists(scratch_server, name)


def test_a_failure_in_an_existing_database_is_undone(scratch_db: str, tmp_path: Path) -> None:
    before = capture(scratch_db)
    role = f"pgc_demo_role_{secrets.token_hex(4)}"
    with pytest.raises(DatabaseError) as err:
        build_production_into(scratch_db, str(_dir(tmp_path, BREAKS, role)))
    assert "replay stopped at 20240102000000_second.sql:3" in err.value.message
    assert "was removed" in err.value.message
    assert capture(scratch_db) == before  # schemas, roles, extensions, types, tables, functions, settings
    with connection(scratch_db, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    assert row is not None and row[0] == 0


def test_data_that_does_not_fit_names_its_line_and_leaves_nothing(
    scratch_server: ScratchServer, tmp_path: Path
) -> None:
    # the example's tables by name, not by columns: the generated data cannot go in (a Supabase project:
    # its owners are auth.users, so it gets the base the data needs)
    tables = "-- owners are auth.users\n" + "".join(
        f"CREATE TABLE public.{t} (id uuid PRIMARY KEY);\n"
        for t in ("agents", "agent_sessions", "memories", "ai_memories")
    )
    name = f"pgc_demo_test_{secrets.token_hex(4)}"
    with pytest.raises(DatabaseError) as err:
        build_production_db(scratch_server, str(_dir(tmp_path, tables)), name=name)
    assert "generating the production data failed at production_data.sql:" in err.value.message
    assert 'column "owner_id" of relation "agents" does not exist' in err.value.message
    assert not _exists(scratch_server, name)


def test_another_directory_builds_without_the_example_data(tmp_path: Path, capsys, scratch_db: str) -> None:
    d = _dir(tmp_path, "CREATE TABLE public.more (id bigint);\n")
    assert run(["demo-db", "--migrations", str(d), "--database-url", scratch_db]) == 0
    text = capsys.readouterr().out
    assert "no data generated: the demo data is the bundled example's" in text
    with connection(scratch_db, autocommit=True) as conn:
        row = conn.execute("SELECT to_regclass('public.more') IS NOT NULL").fetchone()
    assert row is not None and row[0]


def test_cli_error_is_one_line_exit_2(tmp_path: Path, capsys, scratch_db: str) -> None:
    before = capture(scratch_db)
    code = run(["demo-db", "--migrations", str(_dir(tmp_path, BREAKS)), "--database-url", scratch_db])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("pgconsolidate: error: replay stopped at 20240102000000_second.sql:3")
    assert capture(scratch_db) == before
