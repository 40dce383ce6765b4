"""demo-db builds all or nothing: a build that fails leaves no database (or, built into an existing empty
one, nothing it added), and the one-line error names the file and line.

Roles are server-wide and other tests (other pytest workers) create and drop theirs at any time, so the
database's own objects are compared whole, and roles only where this test decides them: each test's
migrations create a role of their own (a name no other test uses), which the undo must drop, and a
bystander role made before the build, which it must keep.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from psycopg import sql

from pgconsolidate.cli import run
from pgconsolidate.db.connect import connection
from pgconsolidate.demo import build_production_db, build_production_into
from pgconsolidate.demo.undo import BeforeBuild, capture
from pgconsolidate.errors import DatabaseError
from pgconsolidate.scratch import ScratchServer

BREAKS = "CREATE TABLE public.kept_before (id bigint);\nSELECT 1;\n" + (
    "SELECT pg_terminate_backend(pg_backend_pid());\n"  # line 3: the connection breaks
)


def _role(prefix: str = "pgc_demo_role") -> str:
    """A role name no other test (nor another run of this one) uses."""
    return f"{prefix}_{secrets.token_hex(4)}"


@pytest.fixture
def role(scratch_server: ScratchServer) -> Iterator[str]:
    """The role this test's migrations create (server-wide: dropped after the test, whatever the build
    left, as a database dropped with a failed build does not take its roles with it)."""
    name = _role()
    yield name
    with connection(scratch_server.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def _dir(tmp_path: Path, second: str, role: str) -> Path:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "20240101000000_first.sql").write_text(
        f"CREATE ROLE {role};\nCREATE TYPE public.mood AS ENUM ('ok');\n"
        "CREATE TABLE public.things (id bigint PRIMARY KEY, mood public.mood);\n"
        "CREATE SCHEMA private;\nCREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n"
    )
    (d / "20240102000000_second.sql").write_text(second)
    return d


def _in_database(before: BeforeBuild) -> frozenset[tuple[str, str, str, str]]:
    """What ``capture`` found, but for the roles (server-wide: other tests change them meanwhile)."""
    return frozenset(row for row in before.rows if row[0] != "role")


def _roles(url: str, *names: str) -> set[str]:
    """Which of ``names`` exist as roles now."""
    with connection(url, autocommit=True) as conn:
        rows = conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(names),)).fetchall()
    return {str(r[0]) for r in rows}


@contextmanager
def _bystander(url: str) -> Iterator[str]:
    """A role that exists before the build: the undo must not drop it (dropped after the test)."""
    name = _role("pgc_demo_keep")
    with connection(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with connection(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def _exists(server: ScratchServer, name: str) -> bool:
    with connection(server.admin_url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return bool(row and row[0])


def test_a_broken_replay_leaves_no_database(scratch_server: ScratchServer, tmp_path: Path, role: str) -> None:
    name = f"pgc_demo_test_{secrets.token_hex(4)}"
    with pytest.raises(DatabaseError) as err:
        build_production_db(scratch_server, str(_dir(tmp_path, BREAKS, role)), name=name)
    message = err.value.message
    assert "replay stopped at 20240102000000_second.sql:3" in message
    assert "was not created" in message and "\n" not in message
    assert not _exists(scratch_server, name)


def test_a_failure_in_an_existing_database_is_undone(scratch_db: str, tmp_path: Path, role: str) -> None:
    with _bystander(scratch_db) as kept:
        before = capture(scratch_db)
        assert kept in {row[2] for row in before.rows if row[0] == "role"}
        with pytest.raises(DatabaseError) as err:
            build_production_into(scratch_db, str(_dir(tmp_path, BREAKS, role)))
        assert "replay stopped at 20240102000000_second.sql:3" in err.value.message
        assert "was removed" in err.value.message
        # schemas, extensions, types, tables, functions, settings, publications, event triggers
        assert _in_database(capture(scratch_db)) == _in_database(before)
        # the role the build made is dropped, the one that was there before is kept
        assert _roles(scratch_db, role, kept) == {kept}


def test_data_that_does_not_fit_names_its_line_and_leaves_nothing(
    scratch_server: ScratchServer, tmp_path: Path, role: str
) -> None:
    # the example's tables by name, not by columns: the generated data cannot go in (a Supabase project:
    # its owners are auth.users, so it gets the base the data needs)
    tables = "-- owners are auth.users\n" + "".join(
        f"CREATE TABLE public.{t} (id uuid PRIMARY KEY);\n"
        for t in ("agents", "agent_sessions", "memories", "ai_memories")
    )
    name = f"pgc_demo_test_{secrets.token_hex(4)}"
    with pytest.raises(DatabaseError) as err:
        build_production_db(scratch_server, str(_dir(tmp_path, tables, role)), name=name)
    assert "generating the production data failed at production_data.sql:" in err.value.message
    assert 'column "owner_id" of relation "agents" does not exist' in err.value.message
    assert not _exists(scratch_server, name)


def test_another_directory_builds_without_the_example_data(
    tmp_path: Path, capsys, scratch_db: str, role: str
) -> None:
    d = _dir(tmp_path, "CREATE TABLE public.more (id bigint);\n", role)
    assert run(["demo-db", "--migrations", str(d), "--database-url", scratch_db]) == 0
    text = capsys.readouterr().out
    assert "no data generated: the demo data is the bundled example's" in text
    with connection(scratch_db, autocommit=True) as conn:
        row = conn.execute("SELECT to_regclass('public.more') IS NOT NULL").fetchone()
    assert row is not None and row[0]


def test_cli_error_is_one_line_exit_2(tmp_path: Path, capsys, scratch_db: str, role: str) -> None:
    with _bystander(scratch_db) as kept:
        before = capture(scratch_db)
        migrations = str(_dir(tmp_path, BREAKS, role))
        code = run(["demo-db", "--migrations", migrations, "--database-url", scratch_db])
        assert code == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1].startswith("pgconsolidate: error: replay stopped at 20240102000000_second.sql:3")
        assert _in_database(capture(scratch_db)) == _in_database(before)
        assert _roles(scratch_db, role, kept) == {kept}
