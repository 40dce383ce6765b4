"""apply refuses, before the backup and the lock, a role without the rights the pending migrations need."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from pgconsolidate.cli import run
from pgconsolidate.deploy.rights import History, Need, missing_right, needs_of
from pgconsolidate.deploy.units import SqlStep, Unit


def _unit(*sqls: str, path: str = "m/1_a.sql") -> Unit:
    steps = tuple(SqlStep(path, n, s) for n, s in enumerate(sqls, 1))
    return Unit("1", "a", (path,), steps)


def _kinds(*sqls: str) -> list[tuple[str, str | None]]:
    return [(n.kind, n.name) for n in needs_of([_unit(*sqls)])]


def test_needs_derived_from_statements() -> None:
    assert _kinds("CREATE SCHEMA app") == [("database-create", None)]
    assert _kinds("CREATE TABLE app.t (a int)") == [("schema-create", "app")]
    assert _kinds("CREATE TABLE t (a int)") == [("schema-create", None)]
    assert _kinds("CREATE TEMP TABLE t (a int)") == []
    assert _kinds("ALTER TABLE public.t ADD COLUMN b int") == [("relation-owner", '"public"."t"')]
    assert _kinds("DROP TABLE a, s.b") == [("relation-drop", '"a"'), ("relation-drop", '"s"."b"')]
    assert _kinds("CREATE INDEX ON s.t (a)") == [("relation-owner", '"s"."t"')]
    assert _kinds("DROP FUNCTION s.f(int, text[])") == [
        ("function-drop", '"s"."f"("pg_catalog"."int4", "text"[])')
    ]
    assert _kinds("ALTER FUNCTION s.g SECURITY DEFINER") == [("function-owner", '"s"."g"')]
    replace = _kinds(
        "CREATE OR REPLACE FUNCTION s.f(a int, OUT b text) RETURNS text LANGUAGE sql AS 'select 1'"
    )
    assert replace == [("schema-create", "s"), ("function-owner", '"s"."f"("pg_catalog"."int4")')]


def test_uncertain_needs_are_left_to_the_apply() -> None:
    # CREATE TRIGGER needs the TRIGGER privilege (and EXECUTE on the function), not ownership
    assert _kinds("CREATE TRIGGER tr AFTER INSERT ON s.t FOR EACH ROW EXECUTE FUNCTION s.f()") == [
        ("table-trigger", '"s"."t"'),
        ("function-execute", '"s"."f"()'),
    ]
    # unqualified CREATE OR REPLACE: a function of that name elsewhere on the search path is not it
    replace = "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1'"
    assert _kinds(replace) == [("schema-create", None)]
    # a temporary table created by the apply may hide a table of that name
    assert (
        _kinds("CREATE TEMP TABLE t AS SELECT 1 AS a", "ALTER TABLE t ADD COLUMN b int", "DROP TABLE t") == []
    )
    # after CREATE SCHEMA ("$user" may now come first on the search path), unqualified creations are unknown
    assert _kinds("CREATE SCHEMA x", "CREATE TABLE t (a int)") == [("database-create", None)]
    # a step that changes the search path: unqualified names after it are not resolved
    assert _kinds("SET search_path = app", "CREATE TABLE t (a int)", "CREATE TABLE x.t (a int)") == [
        ("schema-create", "x")
    ]
    # a unit that changes its role contributes nothing
    assert _kinds("SET ROLE admin", "CREATE SCHEMA app") == []
    # a step that does not parse: the apply decides
    assert _kinds("CREATE SCHEMA app", "CREATE TABLE (") == []
    # %TYPE arguments are not resolved
    assert _kinds("DROP FUNCTION s.f(t.a%TYPE)") == []


def test_the_need_names_its_step() -> None:
    [need] = needs_of([_unit("SELECT 1", "CREATE SCHEMA app", path="mig/2_b.sql")])
    assert need == Need("database-create", None, "mig/2_b.sql:2", "CREATE SCHEMA")


@pytest.fixture
def weak(scratch_db: str) -> Iterator[tuple[str, str]]:
    """(weak role's URL, role) on a database with a table and a function owned by the superuser."""
    role = f"pgc_h12_{secrets.token_hex(4)}"
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.owned (a int)")
        conn.execute("CREATE FUNCTION public.f(integer) RETURNS int LANGUAGE sql AS 'select 1'")
        conn.execute("CREATE SCHEMA open_s")
        conn.execute("CREATE FUNCTION open_s.g(integer) RETURNS int LANGUAGE sql AS 'select 1'")
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT USAGE, CREATE ON SCHEMA open_s TO {role}")
        conn.execute(f"GRANT pg_read_all_data TO {role}")
    try:
        yield make_conninfo(scratch_db, user=role), role
    finally:
        with psycopg.connect(scratch_db, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS mine CASCADE")
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")


def _check(url: str, *sqls: str) -> str | None:
    with psycopg.connect(url, autocommit=True) as conn:
        return missing_right(conn, needs_of([_unit(*sqls)]))


def test_missing_rights_are_named(weak: tuple[str, str], scratch_db: str) -> None:
    url, role = weak
    msg = _check(url, "CREATE SCHEMA app")
    assert msg is not None and f"role '{role}' lacks CREATE on database" in msg and "m/1_a.sql:1" in msg
    msg = _check(url, "SELECT 1", "CREATE TABLE public.t (a int)")
    assert msg is not None and "lacks CREATE on schema 'public'" in msg and "m/1_a.sql:2" in msg
    msg = _check(url, "CREATE TABLE t (a int)")  # unqualified: the session's creation schema
    assert msg is not None and "lacks CREATE on schema 'public'" in msg
    msg = _check(url, "ALTER TABLE owned ADD COLUMN b int")
    assert msg is not None and "lacks ownership of table 'owned' (needed by ALTER TABLE)" in msg
    msg = _check(url, "DROP FUNCTION public.f(int)")
    assert (
        msg is not None
        and "lacks ownership of function (or of its schema) 'f(integer)' (needed by DROP)" in msg
    )
    msg = _check(url, "CREATE OR REPLACE FUNCTION open_s.g(integer) RETURNS int LANGUAGE sql AS 'select 2'")
    assert msg is not None and "function 'open_s.g(integer)' (needed by CREATE OR REPLACE FUNCTION)" in msg
    # another overload is a new function: CREATE on the schema is enough
    assert (
        _check(url, "CREATE OR REPLACE FUNCTION open_s.g(text) RETURNS int LANGUAGE sql AS 'select 2'")
        is None
    )
    # rights it holds, objects absent now, another overload: nothing to refuse
    assert _check(url, "CREATE TABLE open_s.t (a int)", "ALTER TABLE open_s.t ADD COLUMN b int") is None
    assert _check(url, "DROP TABLE IF EXISTS public.absent") is None
    assert _check(url, "DROP FUNCTION IF EXISTS public.f(text)") is None
    # the owner of a schema may drop what is in it
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA mine AUTHORIZATION {role}")
        conn.execute("CREATE TABLE mine.theirs (a int)")
        conn.execute("CREATE FUNCTION mine.h() RETURNS int LANGUAGE sql AS 'select 1'")
    assert _check(url, "DROP TABLE mine.theirs", "DROP FUNCTION mine.h()") is None
    msg = _check(url, "ALTER TABLE mine.theirs ADD COLUMN b int")
    assert msg is not None and "lacks ownership of table 'mine.theirs'" in msg
    # the superuser holds everything
    assert _check(scratch_db, "CREATE SCHEMA app", "ALTER TABLE owned ADD COLUMN b int") is None


def test_apply_refuses_before_backup_and_lock(
    weak: tuple[str, str], scratch_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    url, role = weak
    monkeypatch.chdir(tmp_path)
    mig = tmp_path / "supabase" / "migrations"
    mig.mkdir(parents=True)
    (mig / "20250101000000_schema.sql").write_text("-- app schema\nCREATE SCHEMA app;\n")
    code = run(["apply", str(mig), "--database-url", url])
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2
    assert "20250101000000_schema.sql:2" in last
    assert f"role '{role}' lacks CREATE on database" in last
    assert not (tmp_path / ".pgconsolidate").exists()  # no backup taken
    with psycopg.connect(scratch_db) as conn:
        row = conn.execute(
            "SELECT to_regnamespace('app'), to_regclass('supabase_migrations.schema_migrations')"
        )
        assert row.fetchone() == (None, None)


def test_history_table_needs_come_before_the_units_steps() -> None:
    history = History("supabase_migrations", "schema_migrations", ensured_always=True)
    needs = needs_of([_unit("CREATE TABLE s.t (a int)")], history)
    assert [(n.kind, n.name) for n in needs] == [
        ("database-create", None),  # CREATE SCHEMA IF NOT EXISTS checks it even when the schema exists
        ("schema-create", "supabase_migrations"),
        ("table-insert", '"supabase_migrations"."schema_migrations"'),
        ("schema-create", "s"),
    ]
    assert "history table supabase_migrations.schema_migrations" in needs[0].action
    # a unit whose own SQL writes the history: the table is still ensured, no row is written
    own = Unit("1", "a", ("m/1_a.sql",), (SqlStep("m/1_a.sql", 3, "SELECT 1"),), record_history=False)
    assert [n.kind for n in needs_of([own], history)] == ["database-create", "schema-create"]
    assert needs_of([own], history)[0].where == "m/1_a.sql:3"
    plain = History("public", "goose_db_version", ensured_always=False)
    assert needs_of([own], plain) == ()
    golang = History("public", "schema_migrations", ensured_always=True, deletes=True)
    assert [n.kind for n in needs_of([_unit("SELECT 1")], golang)][-2:] == ["table-insert", "table-delete"]


def test_history_rights_checked(weak: tuple[str, str], scratch_db: str) -> None:
    url, role = weak
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA supabase_migrations")
        conn.execute("CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY)")
        conn.execute(f"GRANT CREATE ON DATABASE {conn.info.dbname} TO {role}")
        conn.execute(f"GRANT USAGE, CREATE ON SCHEMA supabase_migrations TO {role}")
    history = History("supabase_migrations", "schema_migrations", ensured_always=True)
    with psycopg.connect(url, autocommit=True) as conn:
        msg = missing_right(conn, needs_of([_unit("CREATE TABLE open_s.t (a int)")], history))
    assert msg is not None
    assert "lacks INSERT on table 'supabase_migrations.schema_migrations' (needed by the history row" in msg
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(f"GRANT INSERT ON supabase_migrations.schema_migrations TO {role}")
    with psycopg.connect(url, autocommit=True) as conn:
        assert missing_right(conn, needs_of([_unit("CREATE TABLE open_s.t (a int)")], history)) is None


def test_apply_with_probes_refuses_before_recording_them(
    weak: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    url, role = weak
    monkeypatch.chdir(tmp_path)
    mig = tmp_path / "supabase" / "migrations"
    mig.mkdir(parents=True)
    (mig / "20250101000000_t.sql").write_text("ALTER TABLE public.owned ADD COLUMN b int;\n")
    probes = tmp_path / "probes.toml"
    probes.write_text('[[probe]]\nname = "one"\nsql = "SELECT 1"\n')
    code = run(["apply", str(mig), "--database-url", url, "--probes", str(probes)])
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2
    assert f"role '{role}' lacks CREATE on database" in last  # the history table's schema comes first
    assert not (tmp_path / ".pgconsolidate").exists()  # neither a backup nor a probes recording
