"""apply's rights check, made complete (session 8): triggers, renames, SET SCHEMA, COMMENT ON, GRANT/REVOKE,
DROP INDEX/TRIGGER/POLICY/TYPE/SCHEMA, ALTER TYPE/DOMAIN/SEQUENCE/VIEW/MATERIALIZED VIEW, REFRESH
MATERIALIZED VIEW and CREATE EXTENSION; ``apply --dry-run`` refuses as the apply would. Every refusal is
checked against PostgreSQL itself: the statement, run as the role, really fails (or, for GRANT/REVOKE,
does nothing but warn), and every statement let through really runs."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from pgconsolidate.cli import run
from pgconsolidate.deploy.rights import missing_right, needs_of
from pgconsolidate.deploy.units import SqlStep, Unit, file_unit
from pgconsolidate.sources.reader import read_dir


def _unit(*sqls: str, path: str = "m/1_a.sql") -> Unit:
    steps = tuple(SqlStep(path, n, s) for n, s in enumerate(sqls, 1))
    return Unit("1", "a", (path,), steps)


def _kinds(*sqls: str) -> list[tuple[str, str | None]]:
    return [(n.kind, n.name) for n in needs_of([_unit(*sqls)])]


def test_needs_of_the_new_statements() -> None:
    assert _kinds("ALTER TABLE s.t RENAME TO u", "ALTER TABLE v RENAME COLUMN a TO b") == [
        ("relation-owner", '"s"."t"'),
        ("relation-owner", '"v"'),
    ]
    assert _kinds("ALTER TABLE s.t SET SCHEMA x") == [("relation-owner", '"s"."t"'), ("schema-create", "x")]
    assert _kinds("ALTER FUNCTION s.f(int) SET SCHEMA x")[1] == ("schema-create", "x")
    assert _kinds("COMMENT ON COLUMN s.t.c IS 'x'", "COMMENT ON SCHEMA s IS 'x'") == [
        ("relation-owner", '"s"."t"'),
        ("schema-owner", "s"),
    ]
    assert _kinds("COMMENT ON TYPE s.e IS 'x'", "ALTER DOMAIN s.d SET NOT NULL") == [
        ("type-owner", '"s"."e"'),
        ("type-owner", '"s"."d"'),
    ]
    assert _kinds("DROP INDEX s.i", "DROP TRIGGER tr ON s.t", "DROP POLICY p ON s.u") == [
        ("relation-drop", '"s"."i"'),
        ("trigger-drop", '"s"."t"'),
        ("policy-drop", '"s"."u"'),
    ]
    assert _kinds("ALTER SCHEMA a RENAME TO b") == [("schema-owner", "a"), ("database-create", None)]
    grants = needs_of(
        [_unit("GRANT SELECT, INSERT ON s.t TO anon", "REVOKE ALL ON FUNCTION s.f(int) FROM x")]
    )
    assert [(n.kind, n.name, n.detail) for n in grants] == [
        ("table-grant", '"s"."t"', "SELECT"),
        ("table-grant", '"s"."t"', "INSERT"),
        ("function-revoke", '"s"."f"("pg_catalog"."int4")', "ALL"),
    ]
    ext = needs_of([_unit("CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA x VERSION '1.3'")])
    assert [(n.kind, n.name, n.detail) for n in ext] == [("extension-create", "pgcrypto", "1.3")]
    assert _kinds("REFRESH MATERIALIZED VIEW CONCURRENTLY s.mv") == [("matview-refresh", '"s"."mv"')]
    assert _kinds("ALTER SEQUENCE s.q RESTART", "ALTER VIEW s.v OWNER TO x") == [
        ("relation-owner", '"s"."q"'),
        ("relation-owner-to", '"s"."v"'),
        ("relation-new-owner", '"s"."v"'),  # session 9: the new owner's CREATE on the schema
    ]
    owner = needs_of([_unit("ALTER TABLE s.t OWNER TO x, ADD b int", "ALTER SCHEMA s OWNER TO CURRENT_USER")])
    assert [(n.kind, n.name, n.detail) for n in owner] == [
        ("relation-owner", '"s"."t"', None),  # another subcommand: ownership in any case
        ("schema-owner-to", "s", ""),
        ("schema-new-owner", "s", ""),  # session 9: the new owner's CREATE on the database
    ]
    defaults = "ALTER DEFAULT PRIVILEGES FOR ROLE a, CURRENT_USER IN SCHEMA s GRANT SELECT ON TABLES TO b"
    assert _kinds(defaults) == [("role-set", "a")]


def test_uncertain_needs_are_left_to_the_apply() -> None:
    # column privileges and ON ALL TABLES IN SCHEMA were left to the apply until session 9 (see
    # test_s9_h8_rights_gaps.py); a privilege another object type has still is
    assert _kinds("GRANT SELECT (a) ON s.t TO x", "GRANT SELECT ON ALL TABLES IN SCHEMA s TO x") == [
        ("column-grant", '"s"."t"'),
        ("schema-usage", "s"),
        ("tables-in-schema", "s"),
    ]
    assert _kinds("GRANT USAGE ON s.q TO x") == []
    # a name an earlier step created, dropped, renamed or moved may be another object by then
    assert _kinds("CREATE TABLE s.t (a int)", "COMMENT ON TABLE s.t IS 'x'") == [("schema-create", "s")]
    assert _kinds("DROP TABLE s.t", "CREATE TABLE s.t (a int)", "ALTER TABLE s.t ADD b int") == [
        ("relation-drop", '"s"."t"'),
        ("schema-create", "s"),
    ]
    assert _kinds(
        "ALTER TABLE s.a RENAME TO b", "ALTER TABLE s.b ADD c int", "ALTER TABLE s.a ADD c int"
    ) == [("relation-owner", '"s"."a"')]
    # a statement whose text sets the role (inside a DO block) makes the rest of its unit unknown
    assert _kinds("DO $$ BEGIN EXECUTE 'SET ROLE admin'; END $$", "COMMENT ON TABLE s.t IS 'x'") == []


def test_steps_carry_the_split_s_trees(tmp_path: Path) -> None:
    d = tmp_path / "m"
    d.mkdir()
    (d / "1_a.sql").write_text("INSERT INTO s.t VALUES (1);\nCOMMENT ON TABLE s.t IS 'x';\n")
    unit = file_unit(read_dir(str(d)).files[0])
    insert, comment = unit.steps
    assert insert.kind == "InsertStmt" and insert.node is None  # data statements' trees are not kept
    assert comment.node is not None and "CommentStmt" in comment.node
    # (session 9: a data statement is parsed when its needs are derived)
    assert [(n.kind, n.where) for n in needs_of([unit])] == [
        ("columns-insert", "1_a.sql:1"),
        ("relation-owner", "1_a.sql:2"),
    ]


@pytest.fixture
def weak(scratch_db: str) -> Iterator[tuple[str, str]]:
    """(weak role's URL, role) on a database full of objects owned by the superuser, a schema the role
    may create in (``open_s``, with its own table ``open_s.mine`` and trigger function), another it may
    only use (``other``)."""
    role = f"pgc_s8h7_{secrets.token_hex(4)}"
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        for ddl in (
            "CREATE TABLE public.owned (a int)",
            "ALTER TABLE public.owned ENABLE ROW LEVEL SECURITY",
            "CREATE POLICY owned_pol ON public.owned USING (true)",
            "CREATE INDEX owned_idx ON public.owned (a)",
            "CREATE FUNCTION public.trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
            "CREATE TRIGGER owned_trg BEFORE INSERT ON public.owned FOR EACH ROW "
            "EXECUTE FUNCTION public.trg()",
            "CREATE FUNCTION public.f(integer) RETURNS int LANGUAGE sql AS 'select 1'",
            "CREATE VIEW public.v AS SELECT a FROM public.owned",
            "CREATE MATERIALIZED VIEW public.mv AS SELECT a FROM public.owned",
            "CREATE SEQUENCE public.q",
            "CREATE TYPE public.e AS ENUM ('a')",
            "CREATE DOMAIN public.d AS int",
            "CREATE TABLE public.shared (a int)",
            "CREATE SCHEMA other",
            "CREATE SCHEMA open_s",
            "CREATE SCHEMA open_s2",
            "CREATE VIEW open_s.sv AS SELECT 1 AS a",
        ):
            conn.execute(ddl)
        conn.execute(f"GRANT USAGE ON SCHEMA other TO {role}")
        conn.execute(f"GRANT USAGE, CREATE ON SCHEMA open_s, open_s2 TO {role}")
        conn.execute(f"GRANT SELECT ON public.shared TO {role} WITH GRANT OPTION")
        conn.execute("ALTER TABLE public.shared ADD PRIMARY KEY (a)")
        conn.execute("CREATE UNIQUE INDEX ON public.owned (a)")
        conn.execute("CREATE SCHEMA secret")
        conn.execute("CREATE TABLE secret.xs (a int)")
        conn.execute(f"GRANT REFERENCES (a) ON public.shared TO {role}")
        conn.execute("REVOKE EXECUTE ON FUNCTION public.trg() FROM PUBLIC")
    url = make_conninfo(scratch_db, user=role)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE open_s.mine (a int)")
        conn.execute(
            "CREATE FUNCTION open_s.tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'"
        )
    try:
        yield url, role
    finally:
        with psycopg.connect(scratch_db, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")


def _check(url: str, *sqls: str) -> str | None:
    with psycopg.connect(url, autocommit=True) as conn:
        return missing_right(conn, needs_of([_unit(*sqls)]))


def _really_runs(url: str, sql: str) -> bool:
    """Whether PostgreSQL runs ``sql`` as the role without an error or a WARNING (rolled back)."""
    warnings: list[str] = []
    with psycopg.connect(url) as conn:
        conn.add_notice_handler(lambda d: warnings.append(d.severity_nonlocalized or ""))
        try:
            conn.execute(sql)
        except psycopg.Error:
            return False
        finally:
            conn.rollback()
    return "WARNING" not in warnings


REFUSED = [
    ("ALTER TABLE public.owned RENAME TO renamed", "ownership of table 'owned' (needed by RENAME)"),
    ("ALTER TABLE owned RENAME COLUMN a TO b", "ownership of table 'owned' (needed by RENAME)"),
    ("ALTER VIEW public.v RENAME TO w", "ownership of view 'v'"),
    ("ALTER MATERIALIZED VIEW public.mv SET (fillfactor = 50)", "ownership of materialized view 'mv'"),
    ("ALTER SEQUENCE public.q RESTART", "ownership of sequence 'q' (needed by ALTER SEQUENCE)"),
    ("ALTER TYPE public.e ADD VALUE 'z'", "ownership of type 'e' (needed by ALTER TYPE)"),
    ("ALTER DOMAIN public.d SET NOT NULL", "ownership of domain 'd' (needed by ALTER DOMAIN)"),
    ("ALTER FUNCTION public.f(integer) RENAME TO g", "ownership of function 'f(integer)' (needed by RENAME)"),
    ("ALTER SCHEMA other RENAME TO other2", "ownership of schema 'other'"),
    ("ALTER TABLE open_s.mine SET SCHEMA other", "CREATE on schema 'other' (needed by SET SCHEMA)"),
    ("ALTER TYPE public.e SET SCHEMA open_s", "ownership of type 'e' (needed by SET SCHEMA)"),
    ("COMMENT ON TABLE public.owned IS 'x'", "ownership of table 'owned' (needed by COMMENT ON)"),
    ("COMMENT ON COLUMN public.owned.a IS 'x'", "ownership of table 'owned' (needed by COMMENT ON)"),
    ("COMMENT ON FUNCTION public.f(integer) IS 'x'", "ownership of function 'f(integer)'"),
    ("COMMENT ON SCHEMA other IS 'x'", "ownership of schema 'other'"),
    ("COMMENT ON TRIGGER owned_trg ON public.owned IS 'x'", "ownership of table 'owned'"),
    (
        "GRANT SELECT ON public.owned TO PUBLIC",
        "SELECT WITH GRANT OPTION (or ownership) on table 'owned' (needed by GRANT (PostgreSQL refuses it, "
        "or only warns and grants nothing))",
    ),
    (
        "REVOKE SELECT ON public.owned FROM PUBLIC",
        "any privilege on table 'owned' (needed by REVOKE (PostgreSQL refuses it to a role without any",
    ),
    ("GRANT INSERT ON public.shared TO PUBLIC", "INSERT WITH GRANT OPTION (or ownership) on table 'shared'"),
    ("DROP INDEX public.owned_idx", "ownership of index (or of its schema) 'owned_idx' (needed by DROP)"),
    ("DROP TRIGGER owned_trg ON public.owned", "ownership of table 'owned' (needed by DROP TRIGGER)"),
    ("DROP POLICY owned_pol ON public.owned", "ownership of table 'owned' (needed by DROP POLICY)"),
    ("DROP TYPE public.e", "ownership of type (or of its schema) 'e'"),
    ("DROP SCHEMA other", "ownership of schema 'other' (needed by DROP SCHEMA)"),
    (
        "CREATE TRIGGER t2 BEFORE INSERT ON public.owned FOR EACH ROW EXECUTE FUNCTION open_s.tf()",
        "TRIGGER on table 'owned' (needed by CREATE TRIGGER)",
    ),
    (
        "CREATE TRIGGER t2 BEFORE INSERT ON open_s.mine FOR EACH ROW EXECUTE FUNCTION public.trg()",
        "EXECUTE on function 'trg()' (needed by CREATE TRIGGER)",
    ),
    (
        "CREATE EXTENSION IF NOT EXISTS vector",
        "superuser (an untrusted extension) to create extension 'vector'",
    ),
    (
        "ALTER FUNCTION public.f(integer) OWNER TO CURRENT_USER",
        "ownership of function (and SET ROLE to its new owner 'CURRENT_USER') 'f(integer)'",
    ),
    (  # ALTER TABLE checks ownership even when the table already belongs to the new owner
        "ALTER TABLE public.owned OWNER TO postgres",
        "ownership of table (and SET ROLE to its new owner 'postgres') 'owned'",
    ),
    (
        "ALTER TABLE open_s.mine OWNER TO postgres",
        "ownership of table (and SET ROLE to its new owner 'postgres') 'open_s.mine' (needed by ALTER "
        "TABLE OWNER TO)",
    ),
    (
        "ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT SELECT ON TABLES TO PUBLIC",
        "the right to SET ROLE to (or membership of) role 'postgres'",
    ),
    (
        "CREATE OR REPLACE VIEW open_s.sv AS SELECT 2 AS a",
        "ownership of view 'open_s.sv' (needed by CREATE OR",
    ),
    (
        "CREATE TABLE open_s.child () INHERITS (public.owned)",
        "ownership of table 'owned' (needed by INHERITS)",
    ),
    (
        "CREATE TABLE open_s.c (a int REFERENCES public.owned (a))",
        "REFERENCES on table 'owned' (needed by FOREIGN KEY)",
    ),
    ("ALTER TABLE secret.xs ADD b int", 'cannot use "secret"."xs" (permission denied for schema secret'),
]
HELD = [
    "CREATE TRIGGER t2 BEFORE INSERT ON open_s.mine FOR EACH ROW EXECUTE FUNCTION open_s.tf()",
    "GRANT SELECT ON public.shared TO PUBLIC",
    "COMMENT ON TABLE open_s.mine IS 'mine'",
    "ALTER TABLE open_s.mine RENAME TO mine2",
    "ALTER TABLE open_s.mine SET SCHEMA open_s2",
    "CREATE TABLE open_s.c (a int REFERENCES public.shared (a))",  # column REFERENCES is enough
    # OWNER TO the role it already belongs to: PostgreSQL checks nothing (supabase db dump files)
    "ALTER FUNCTION public.f(integer) OWNER TO postgres",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA open_s GRANT SELECT ON TABLES TO PUBLIC",
    # IF EXISTS of nothing: PostgreSQL checks nothing
    "DROP TRIGGER IF EXISTS no_such ON public.owned",
    "DROP POLICY IF EXISTS no_such ON public.owned",
    "ALTER TABLE IF EXISTS public.no_such SET SCHEMA other",
    "DROP TABLE IF EXISTS public.no_such",
]


def test_refused_as_postgresql_refuses(weak: tuple[str, str]) -> None:
    url, role = weak
    wrong = []
    for sql, expected in REFUSED:
        msg = _check(url, "SELECT 1", sql)
        phrase = expected if expected.startswith("cannot ") else f"lacks {expected}"
        if msg is None or f"role '{role}' {phrase}" not in msg or "m/1_a.sql:2" not in msg:
            wrong.append(f"{sql}: {msg}")
        if _really_runs(url, sql):
            wrong.append(f"{sql}: PostgreSQL runs it")
    assert wrong == []


def test_refresh_materialized_view(weak: tuple[str, str], scratch_server) -> None:
    url, _ = weak
    msg = _check(url, "REFRESH MATERIALIZED VIEW public.mv")
    right = (
        "MAINTAIN on materialized view" if scratch_server.major >= 17 else "ownership of materialized view"
    )
    assert msg is not None and f"lacks {right} 'mv'" in msg
    assert not _really_runs(url, "REFRESH MATERIALIZED VIEW public.mv")


def test_held_rights_let_the_apply_run(weak: tuple[str, str], scratch_db: str) -> None:
    url, _ = weak
    for sql in HELD:
        assert _check(url, sql) is None, sql
        assert _really_runs(url, sql), sql
    # the owner of a schema may drop what is in it; the superuser holds everything
    assert _check(scratch_db, *(sql for sql, _ in REFUSED)) is None
    assert (
        _check(scratch_db, "REFRESH MATERIALIZED VIEW public.mv", "GRANT ALL ON public.owned TO PUBLIC")
        is None
    )
    # GRANT ALL: any privilege held WITH GRANT OPTION lets it grant something
    assert _check(url, "GRANT ALL ON public.shared TO PUBLIC") is None
    # REVOKE by a role with a privilege but no grant option: PostgreSQL only warns (as the project's own
    # tool would have left it), not refused here
    assert _check(url, "REVOKE ALL ON FUNCTION public.f(integer) FROM PUBLIC") is None
    with psycopg.connect(url) as conn:
        conn.execute("REVOKE ALL ON FUNCTION public.f(integer) FROM PUBLIC")  # no error
        conn.rollback()
    # an extension already installed: CREATE EXTENSION IF NOT EXISTS does nothing
    assert _check(url, "CREATE EXTENSION IF NOT EXISTS plpgsql") is None


def test_dry_run_refuses_as_the_apply_would(
    weak: tuple[str, str], scratch_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    url, role = weak
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(f"GRANT CREATE ON DATABASE {conn.info.dbname} TO {role}")
        conn.execute(f"GRANT CREATE ON SCHEMA public TO {role}")
    monkeypatch.chdir(tmp_path)
    mig = tmp_path / "migrations"
    mig.mkdir()
    (mig / "20250101000000_doc.sql").write_text("-- docs\nCOMMENT ON TABLE public.owned IS 'owned';\n")
    capsys.readouterr()
    code = run(["apply", str(mig), "--database-url", url, "--dry-run"])
    cap = capsys.readouterr()
    assert code == 2
    assert "would apply 1 migration(s)" in cap.out
    last = cap.err.strip().splitlines()[-1]
    assert "20250101000000_doc.sql:2" in last and f"role '{role}' lacks ownership of table 'owned'" in last
    assert "the apply would be refused" in last
    code = run(["apply", str(mig), "--database-url", url, "--dry-run", "--format", "json"])
    cap = capsys.readouterr()
    assert code == 2
    doc = json.loads(cap.out)
    assert doc["dry_run"] is True and "lacks ownership of table 'owned'" in doc["refused"]
    with psycopg.connect(scratch_db) as conn:  # nothing changed
        assert conn.execute("SELECT obj_description('public.owned'::regclass)").fetchone() == (None,)
        assert conn.execute("SELECT to_regnamespace('supabase_migrations')").fetchone() == (None,)
    # held: the dry run lists and exits 0
    (mig / "20250101000000_doc.sql").write_text("COMMENT ON TABLE open_s.mine IS 'mine';\n")
    assert run(["apply", str(mig), "--database-url", url, "--dry-run", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["refused"] is None
