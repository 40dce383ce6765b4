"""apply's rights check, the gaps session 8 left (session 9): column privileges (GRANT/REVOKE (col) and the
columns an INSERT, UPDATE, DELETE or SELECT writes and reads), ``ON ALL ... IN SCHEMA``, the new owner's
CREATE for ``OWNER TO``, TRUNCATE, LOCK TABLE, and the statements a DO block certainly runs. Every case is
checked against PostgreSQL itself, as a role that lacks exactly that right: the statement refused really
fails (or, for a GRANT, only warns), and every statement let through really runs."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg.conninfo import make_conninfo

from pgconsolidate.deploy.rights import missing_right, needs_of
from pgconsolidate.deploy.units import SqlStep, Unit


def _unit(*sqls: str, path: str = "m/1_a.sql") -> Unit:
    steps = tuple(SqlStep(path, n, s) for n, s in enumerate(sqls, 1))
    return Unit("1", "a", (path,), steps)


def _kinds(*sqls: str) -> list[tuple[str, str | None, tuple[str, ...]]]:
    return [(n.kind, n.name, n.parts) for n in needs_of([_unit(*sqls)])]


def test_column_needs_are_derived() -> None:
    assert _kinds("GRANT SELECT (a, b), UPDATE ON s.t TO x") == [
        ("table-grant", '"s"."t"', ()),
        ("column-grant", '"s"."t"', ("a", "b")),
    ]
    assert _kinds("UPDATE s.t x SET a = x.b + 1 WHERE id = 3") == [
        ("columns-update", '"s"."t"', ("a",)),
        ("columns-select", '"s"."t"', ("b", "id")),  # read by the UPDATE: SELECT on them
    ]
    assert _kinds("INSERT INTO s.t (a) SELECT u.b FROM s.u ON CONFLICT (a) DO UPDATE SET c = excluded.c") == [
        ("columns-insert", '"s"."t"', ("a",)),
        ("columns-update", '"s"."t"', ("c",)),
        ("columns-select", '"s"."u"', ("b",)),
    ]
    # a join: only qualified names are attributed; count(*) names no column (some column will do)
    assert _kinds("SELECT count(*), t.y FROM s.t JOIN s.u ON u.x = t.y WHERE z = 1") == [
        ("columns-select", '"s"."t"', ("y",)),
        ("columns-select", '"s"."u"', ("x",)),
    ]
    assert _kinds("SELECT * FROM s.t", "WITH c AS (SELECT a FROM s.t) SELECT * FROM c") == [
        ("columns-select", '"s"."t"', ("*",)),
        ("columns-select", '"s"."t"', ("a",)),  # the CTE is not a table
    ]
    # an UPDATE that reads none of its target's columns needs no SELECT on it
    assert _kinds("UPDATE s.t SET a = 1") == [("columns-update", '"s"."t"', ("a",))]


def test_do_blocks_give_what_they_certainly_run() -> None:
    block = (
        "DO $$\n"
        "DECLARE n int;\n"
        "BEGIN\n"
        "IF to_regclass('s.t') IS NULL THEN RETURN; END IF;\n"  # an existence guard: the rest is certain
        "ALTER TABLE s.t ADD COLUMN z int;\n"
        "IF n > 1 THEN DROP TABLE s.u; END IF;\n"  # may not run
        "FOR i IN 1..3 LOOP EXIT WHEN i > n; ALTER TABLE s.v ADD z int; END LOOP;\n"  # may not run
        "IF n IS NULL THEN RAISE EXCEPTION 'no'; END IF;\n"  # the apply fails anyway when it fires
        "UPDATE s.t SET z = n;\n"
        "BEGIN\n"
        "  CREATE TYPE s.e AS ENUM ('a');\n"  # the first statement of a block with handlers runs
        "  CREATE TYPE s.f AS ENUM ('a');\n"  # a handled error skips the rest
        "EXCEPTION WHEN duplicate_object THEN NULL;\n"
        "END;\n"
        "BEGIN DROP TABLE s.w; EXCEPTION WHEN OTHERS THEN NULL; END;\n"  # privilege errors caught
        "IF current_user = 'x' THEN RETURN; END IF;\n"  # another way out: the rest is uncertain
        "DROP TABLE s.never;\n"
        "END $$"
    )
    needs = needs_of([_unit("SELECT 1", block)])
    assert [(n.where, n.kind, n.name) for n in needs] == [
        ("m/1_a.sql:6", "relation-owner", '"s"."t"'),
        ("m/1_a.sql:10", "columns-update", '"s"."t"'),
        ("m/1_a.sql:10", "columns-select", '"s"."t"'),  # n: a variable, not a column (the query skips it)
        ("m/1_a.sql:12", "schema-create", "s"),
    ]
    # another language, or a body that does not parse: nothing
    assert _kinds("DO LANGUAGE sql $$ DROP TABLE s.t $$") == []


def test_in_schema_and_owner_needs() -> None:
    assert _kinds("DROP TABLE s.old", "REVOKE ALL ON ALL SEQUENCES IN SCHEMA s FROM x") == [
        ("relation-drop", '"s"."old"', ()),
        ("schema-usage", "s", ()),
        ("sequences-in-schema", "s", ("old",)),  # a name an earlier step dropped is left out
    ]
    assert [(n.kind, n.detail) for n in needs_of([_unit("ALTER TYPE s.e OWNER TO r")])] == [
        ("type-owner-to", "r"),
        ("type-new-owner", "r"),
    ]
    assert _kinds("TRUNCATE s.t", "LOCK TABLE s.t IN ACCESS SHARE MODE") == [
        ("table-truncate", '"s"."t"', ()),
        ("table-lock", '"s"."t"', ()),
    ]


@pytest.fixture
def weak(scratch_db: str) -> Iterator[tuple[str, str, str]]:
    """(weak role's URL, role, a second role the weak one may SET ROLE to) on a database of objects owned
    by the superuser: ``public.cols`` with column privileges, ``other`` (USAGE only, a table and a
    sequence the role holds nothing on), ``secret`` (no USAGE), ``open_s`` (CREATE: the role's own table,
    function, type and schema ``mine_s``)."""
    tag = secrets.token_hex(4)
    role, other_role = f"pgc_s9h8_{tag}", f"pgc_s9h8b_{tag}"
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"CREATE ROLE {other_role}")
        conn.execute(f"GRANT {other_role} TO {role}")
        for ddl in (
            "CREATE TABLE public.owned (a int)",
            "CREATE TABLE public.cols (id int PRIMARY KEY, body text, summary text)",
            "INSERT INTO public.cols VALUES (1, 'b', 's')",
            f"GRANT SELECT (id, summary), UPDATE (summary), INSERT (id, summary) ON public.cols TO {role}",
            f"GRANT SELECT (summary) ON public.cols TO {role} WITH GRANT OPTION",
            "CREATE TABLE public.shared (a int)",
            f"GRANT SELECT ON public.shared TO {role}",
            "CREATE SCHEMA other",
            "CREATE TABLE other.t (a int)",
            "CREATE SEQUENCE other.sq",
            f"GRANT USAGE ON SCHEMA other TO {role}",
            "CREATE SCHEMA other_ok",
            "CREATE TABLE other_ok.t (a int)",
            f"GRANT USAGE ON SCHEMA other_ok TO {role}",
            f"GRANT SELECT ON other_ok.t TO {role} WITH GRANT OPTION",
            "CREATE TABLE other_ok.u (a int)",
            f"GRANT SELECT ON other_ok.u TO {role}",
            "CREATE SCHEMA secret",
            "CREATE TABLE secret.t (a int)",
            "CREATE SCHEMA open_s",
            f"GRANT USAGE, CREATE ON SCHEMA open_s TO {role}",
            f"CREATE SCHEMA mine_s AUTHORIZATION {role}",
            "CREATE TABLE mine_s.g (a int)",
            "CREATE FUNCTION public.sd(integer) RETURNS int LANGUAGE sql SECURITY DEFINER AS 'select 1'",
            "CREATE FUNCTION public.si(integer) RETURNS int LANGUAGE sql AS 'select 1'",
            "CREATE PUBLICATION pub_su",
            "CREATE PUBLICATION pub_mine",
            f"ALTER PUBLICATION pub_mine OWNER TO {role}",
            f"GRANT SELECT ON mine_s.g TO {role} WITH GRANT OPTION",
        ):
            conn.execute(ddl)
    url = make_conninfo(scratch_db, user=role)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE open_s.mine (a int)")
        conn.execute("CREATE FUNCTION open_s.mf() RETURNS int LANGUAGE sql AS 'select 1'")
        conn.execute("CREATE TYPE open_s.me AS ENUM ('a')")
    try:
        yield url, role, other_role
    finally:
        with psycopg.connect(scratch_db, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS mine_s CASCADE")
            conn.execute("DROP PUBLICATION IF EXISTS pub_su, pub_mine")
            for r in (role, other_role):
                conn.execute(f"DROP OWNED BY {r}")
            conn.execute(f"DROP ROLE {role}")
            conn.execute(f"DROP ROLE {other_role}")


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
    # column privileges: GRANT/REVOKE (col)
    (
        "GRANT SELECT (a) ON public.owned TO PUBLIC",
        "lacks SELECT WITH GRANT OPTION (or ownership) on column 'owned.a' (needed by GRANT (PostgreSQL",
    ),
    ("GRANT UPDATE (summary) ON public.cols TO PUBLIC", "UPDATE WITH GRANT OPTION (or ownership) on column"),
    ("REVOKE SELECT (a) ON public.owned FROM PUBLIC", "lacks any privilege on column 'owned.a'"),
    # the columns a statement writes and reads
    (
        "UPDATE public.cols SET body = 'x' WHERE id = 1",
        "lacks UPDATE on column 'cols.body' (needed by UPDATE)",
    ),
    ("UPDATE public.cols SET summary = body", "lacks SELECT on column 'cols.body' (needed by UPDATE)"),
    ("INSERT INTO public.cols (id, body) VALUES (9, 'x')", "lacks INSERT on column 'cols.body'"),
    ("INSERT INTO public.owned VALUES (1)", "lacks INSERT on some column of table 'owned'"),
    ("INSERT INTO public.cols (id) SELECT a FROM public.owned", "lacks SELECT on column 'owned.a'"),
    (
        "INSERT INTO public.cols (id, summary) VALUES (10, 'x') RETURNING body",
        "lacks SELECT on column 'cols.body'",
    ),
    ("SELECT body FROM public.cols", "lacks SELECT on column 'cols.body' (needed by SELECT)"),
    ("SELECT * FROM public.cols", "lacks SELECT on column 'cols.body'"),
    ("SELECT count(*) FROM public.owned", "lacks SELECT on some column of table 'owned'"),
    ("DELETE FROM public.cols WHERE id = 1", "lacks DELETE on table 'cols' (needed by DELETE)"),
    ("TRUNCATE public.shared", "lacks TRUNCATE on table 'shared' (needed by TRUNCATE)"),
    (
        "LOCK TABLE public.shared IN SHARE ROW EXCLUSIVE MODE",
        "lacks UPDATE, DELETE or TRUNCATE on table 'shared' (needed by LOCK TABLE)",
    ),
    # ON ALL ... IN SCHEMA
    ("GRANT SELECT ON ALL TABLES IN SCHEMA other TO PUBLIC", "lacks any privilege on table 'other.t'"),
    ("REVOKE ALL ON ALL SEQUENCES IN SCHEMA other FROM PUBLIC", "lacks any privilege on sequence 'other.sq'"),
    ("GRANT SELECT ON ALL TABLES IN SCHEMA secret TO PUBLIC", "lacks USAGE on schema 'secret'"),
    # a view names its tables (USAGE on their schemas); CREATE TABLE AS reads them
    (
        "CREATE VIEW open_s.v AS SELECT a FROM secret.t",
        "lacks USAGE on schema 'secret' (needed by CREATE VIEW)",
    ),
    ("CREATE TABLE open_s.x AS SELECT a FROM public.owned", "lacks SELECT on column 'owned.a'"),
    # publications
    ("ALTER PUBLICATION pub_su ADD TABLE open_s.mine", "lacks ownership of publication 'pub_su'"),
    ("ALTER PUBLICATION pub_mine ADD TABLE public.owned", "lacks ownership of table 'owned'"),
    ("ALTER PUBLICATION pub_mine ADD TABLES IN SCHEMA open_s", "lacks superuser for publication 'pub_mine'"),
    ("CREATE PUBLICATION pub_new FOR TABLE open_s.mine", "lacks CREATE on database"),
    # a DO block: what it certainly runs
    (
        "DO $$ BEGIN IF to_regclass('public.owned') IS NULL THEN RETURN; END IF; "
        "ALTER TABLE public.owned ADD COLUMN z int; END $$",
        "lacks ownership of table 'owned' (needed by ALTER TABLE)",
    ),
]
# statements whose refusal names the new owner (OWNER TO: CREATE on the schema / database)
NEW_OWNER = [
    ("ALTER TABLE open_s.mine OWNER TO {b}", "schema 'open_s'"),
    ("ALTER FUNCTION open_s.mf() OWNER TO {b}", "schema 'open_s'"),
    ("ALTER TYPE open_s.me OWNER TO {b}", "schema 'open_s'"),
    ("ALTER SCHEMA mine_s OWNER TO {b}", "database"),
    ("ALTER PUBLICATION pub_mine OWNER TO {b}", "database"),
]
HELD = [
    "UPDATE public.cols SET summary = 'x' WHERE id = 1",  # UPDATE (summary) and SELECT (id) are enough
    "UPDATE public.cols SET summary = summary || 'x'",
    "INSERT INTO public.cols (id, summary) VALUES (9, 'x')",
    "INSERT INTO public.cols (id, summary) VALUES (11, 'x') RETURNING id",
    "SELECT id, summary FROM public.cols",
    "SELECT c.summary FROM public.cols c JOIN public.shared s ON s.a = c.id",
    "GRANT SELECT (summary) ON public.cols TO PUBLIC",  # held WITH GRANT OPTION on that column
    "LOCK TABLE public.shared IN ACCESS SHARE MODE",
    "GRANT SELECT ON ALL TABLES IN SCHEMA mine_s TO PUBLIC",  # WITH GRANT OPTION on every table
    "ALTER DEFAULT PRIVILEGES IN SCHEMA other GRANT SELECT ON TABLES TO PUBLIC",  # needs nothing
    "DO $$ BEGIN IF false THEN ALTER TABLE public.owned ADD COLUMN z int; END IF; END $$",
    "DO $$ BEGIN ALTER TABLE public.owned ADD COLUMN z int; EXCEPTION WHEN OTHERS THEN NULL; END $$",
    "DO $$ BEGIN UPDATE public.cols SET summary = 'y' WHERE id = 1; END $$",
    "ALTER PUBLICATION pub_mine ADD TABLE open_s.mine",
    "NOTIFY pgc_channel",
    "CREATE VIEW open_s.v2 AS SELECT a FROM public.owned",  # the view's owner reads the rows, later
]


def test_refused_as_postgresql_refuses(weak: tuple[str, str, str]) -> None:
    url, role, _ = weak
    wrong = []
    for sql, expected in REFUSED:
        msg = _check(url, "SELECT 1", sql)
        if msg is None or f"role '{role}' " not in msg or expected not in msg or "m/1_a.sql:2" not in msg:
            wrong.append(f"{sql}: {msg}")
        if _really_runs(url, sql):
            wrong.append(f"{sql}: PostgreSQL runs it")
    assert wrong == []


def test_new_owner_needs_create(weak: tuple[str, str, str], scratch_db: str) -> None:
    url, role, b = weak
    for template, where in NEW_OWNER:
        sql = template.format(b=b)
        msg = _check(url, sql)
        assert msg is not None and f"new owner '{b}' lacks CREATE on {where}" in msg, (sql, msg)
        assert f"unless role '{role}' is a superuser" in msg
        assert not _really_runs(url, sql), sql
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(f"GRANT CREATE ON SCHEMA open_s TO {b}")
        conn.execute(f"GRANT CREATE ON DATABASE {conn.info.dbname} TO {b}")
    for template, _ in NEW_OWNER:
        sql = template.format(b=b)
        assert _check(url, sql) is None, sql
        assert _really_runs(url, sql), sql
    # the superuser gives anything to anyone
    assert _check(scratch_db, f"ALTER TABLE public.owned OWNER TO {b}") is None


def test_held_rights_let_the_apply_run(weak: tuple[str, str, str], scratch_db: str) -> None:
    url, _, _ = weak
    for sql in HELD:
        assert _check(url, sql) is None, sql
        assert _really_runs(url, sql), sql
    # the superuser holds everything
    assert _check(scratch_db, *(sql for sql, _ in REFUSED)) is None
    # ON ALL TABLES IN SCHEMA, some privilege on each but not the grant option on other_ok.u: PostgreSQL
    # grants what it can and warns for the rest (often an extension's objects): not refused
    sql = "GRANT INSERT ON ALL TABLES IN SCHEMA other_ok TO PUBLIC"
    assert _check(url, sql) is None
    with psycopg.connect(url) as conn:
        conn.execute(sql)  # no error
        conn.rollback()


def test_the_refusal_names_the_line_inside_a_do_block(weak: tuple[str, str, str]) -> None:
    url, _, _ = weak
    block = "DO $pgc$\nDECLARE n int;\nBEGIN\nSELECT count(*) INTO n FROM public.{t};\nEND\n$pgc$"
    msg = _check(url, "SELECT 1", block.format(t="owned"))
    assert msg is not None and msg.startswith("m/1_a.sql:5: ") and "some column of table 'owned'" in msg
    # count(*) of a table the role may read some columns of: enough
    assert _check(url, "SELECT 1", block.format(t="cols")) is None
    assert _really_runs(url, block.format(t="cols"))


def test_the_fix_s_built_statements_are_read() -> None:
    """The fix drops overloads and re-pins definers through ``EXECUTE '...' || f::text`` with ``f :=
    to_regprocedure('<literal>')``: read as the statements they run."""
    from pgconsolidate.generate.fix import definer_step, drop_overload_step, index_step
    from pgconsolidate.plan.model import Definer, IndexChoice

    def needs(text: str) -> list[tuple[str, str, str | None]]:
        return [(n.where, n.kind, n.name) for n in needs_of([_unit(text)])]

    assert needs(drop_overload_step("public.pick(text)")) == [
        ("m/1_a.sql:7", "function-drop", '"public"."pick"("text")')  # inside IF f IS NOT NULL
    ]
    assert needs(definer_step(Definer("public.f(uuid)", "keep", "pg_catalog, public"))) == [
        ("m/1_a.sql:10", "function-owner", '"public"."f"("uuid")'),
        ("m/1_a.sql:11", "function-revoke", '"public"."f"("uuid")'),
        ("m/1_a.sql:13", "function-revoke", '"public"."f"("uuid")'),  # IF the role anon exists
    ]
    assert needs(index_step(IndexChoice("i", "public.notes", ("body",)))) == [
        ("m/1_a.sql:4", "relation-owner", '"public"."notes"')
    ]
    # a string built from anything else is not read
    assert needs("DO $$ BEGIN EXECUTE 'DROP TABLE ' || quote_ident(current_user); END $$") == []


def test_a_catalog_condition_is_evaluated_by_the_check(weak: tuple[str, str, str]) -> None:
    """The fix converts a definer inside ``IF (SELECT prosecdef FROM pg_proc WHERE oid = f) THEN``: the
    ALTER is held under that condition, evaluated now: refused for a definer the role does not own,
    nothing for a function that is no definer (the ALTER would not run)."""
    from pgconsolidate.generate.fix import definer_step
    from pgconsolidate.plan.model import Definer

    url, role, _ = weak
    definer = definer_step(Definer("public.sd(integer)", "invoker"))
    [need] = needs_of([_unit(definer)])
    assert need.kind == "function-owner" and need.when and "prosecdef" in need.when[0][0]
    msg = _check(url, definer)
    assert msg is not None and f"role '{role}' lacks ownership of function 'sd(integer)'" in msg, msg
    assert not _really_runs(url, definer)
    plain = definer_step(Definer("public.si(integer)", "invoker"))
    assert _check(url, plain) is None
    assert _really_runs(url, plain)
    # a condition naming something an earlier step changed is not evaluated now: left out
    assert needs_of([_unit("DROP FUNCTION IF EXISTS public.sd(integer)", definer)])[1:] == ()
    # a condition that reads a table (not only the catalogs) is not evaluated: its statements are left out
    block = (
        "DO $$ BEGIN IF (SELECT count(*) FROM public.cols) > 5 THEN DROP TABLE public.owned; END IF; END $$"
    )
    assert needs_of([_unit(block)]) == ()


def test_a_function_s_own_search_path_leaves_the_session_s_alone() -> None:
    fn = "CREATE FUNCTION s.f() RETURNS int LANGUAGE sql SET search_path = public AS 'select 1'"
    assert _kinds(fn, "CREATE INDEX ON t (a)") == [("schema-create", "s", ()), ("relation-owner", '"t"', ())]
    # SET / RESET ALL / DISCARD / set_config do change it: unqualified names after them are left to the apply
    for change in (
        "SET search_path = app",
        "RESET ALL",
        "DISCARD ALL",
        "SELECT set_config('search_path', 'a', true)",
    ):
        assert _kinds(change, "CREATE INDEX ON t (a)") == [], change


def test_an_information_schema_condition_is_evaluated(weak: tuple[str, str, str]) -> None:
    url, role, _ = weak
    block = (
        "DO $$ BEGIN\n"
        "IF NOT EXISTS (SELECT 1 FROM information_schema.table_constraints\n"
        "               WHERE constraint_name = '{name}') THEN\n"
        "  ALTER TABLE public.owned ADD CONSTRAINT {name} CHECK (a > 0);\n"
        "END IF;\nEND $$"
    )
    msg = _check(url, block.format(name="owned_a_check"))
    assert msg is not None and msg.startswith("m/1_a.sql:4: ") and f"role '{role}' lacks ownership" in msg
    assert not _really_runs(url, block.format(name="owned_a_check"))


def test_a_qualified_name_is_uncertain_only_in_its_own_schema() -> None:
    fk = "ALTER TABLE public.users ADD CONSTRAINT f FOREIGN KEY (id) REFERENCES auth.users (id)"
    assert _kinds("CREATE TABLE public.users (id uuid)", fk) == [
        ("schema-create", "public", ()),
        ("table-references", '"auth"."users"', ()),  # public.users is new; auth.users is the one there
    ]
    # an unqualified CREATE may have made the name in any schema; a schema created or renamed: all of it
    assert _kinds("CREATE TABLE users (id uuid)", "COMMENT ON TABLE auth.users IS 'x'") == [
        ("schema-create", None, ())
    ]
    assert _kinds("ALTER SCHEMA auth RENAME TO auth2", "COMMENT ON TABLE auth.users IS 'x'") == [
        ("schema-owner", "auth", ()),
        ("database-create", None, ()),
    ]
    # moved: its old and new places
    assert _kinds(
        "ALTER TABLE s.t SET SCHEMA u", "COMMENT ON TABLE u.t IS 'x'", "COMMENT ON TABLE s.t IS 'x'"
    ) == [
        ("relation-owner", '"s"."t"', ()),
        ("schema-create", "u", ()),
    ]


def test_if_else_on_the_catalog_holds_each_branch_under_its_condition(weak: tuple[str, str, str]) -> None:
    url, role, _ = weak
    block = (
        "DO $$ BEGIN\n"
        "IF EXISTS (SELECT 1 FROM pg_class WHERE relname = '{name}') THEN\n"
        "  COMMENT ON TABLE public.owned IS 'x';\n"
        "ELSE\n"
        "  COMMENT ON TABLE open_s.mine IS 'x';\n"
        "END IF;\nEND $$"
    )
    # owned exists: the THEN branch runs, and the role does not own public.owned
    msg = _check(url, block.format(name="owned"))
    assert msg is not None and msg.startswith("m/1_a.sql:3: ") and f"role '{role}' lacks ownership" in msg
    assert not _really_runs(url, block.format(name="owned"))
    # no such table: the ELSE branch runs, on the role's own table
    assert _check(url, block.format(name="no_such_table")) is None
    assert _really_runs(url, block.format(name="no_such_table"))


_PIECES = [
    "IF to_regclass('public.t') IS NULL THEN RETURN; END IF;",
    "ALTER TABLE public.t ADD c int;",
    "IF EXISTS (SELECT 1 FROM pg_class WHERE relname = 'x') THEN DROP TABLE public.x; "
    "ELSE COMMENT ON TABLE public.y IS 'z'; END IF;",
    "FOR i IN 1..2 LOOP EXIT WHEN i > 1; END LOOP;",
    "BEGIN CREATE TYPE public.e AS ENUM ('a'); EXCEPTION WHEN OTHERS THEN NULL; END;",
    "f := to_regprocedure('public.f(int)');",
    "EXECUTE 'DROP FUNCTION ' || f::text;",
    "RAISE EXCEPTION 'x';",
    "RETURN;",
    "IF f IS NOT NULL THEN EXECUTE 'ALTER FUNCTION ' || f::text || ' SECURITY INVOKER'; END IF;",
    "UPDATE public.t SET a = n WHERE b IN (SELECT c FROM public.u);",
    "INSERT INTO public.t SELECT * FROM public.u RETURNING *;",
    "CASE n WHEN 1 THEN DELETE FROM public.t; ELSE NULL; END CASE;",
    "IF n > 1 THEN NULL; ELSIF (SELECT count(*) FROM pg_proc) > 1 THEN TRUNCATE public.t; END IF;",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=8))
def test_any_mix_of_plpgsql_statements_is_read_without_error(pieces: list[str]) -> None:
    body = "DO $$ DECLARE n int; f regprocedure; i int; BEGIN\n" + "\n".join(pieces) + "\nEND $$"
    for need in needs_of([_unit("SELECT 1", body)]):
        line = int(need.where.rsplit(":", 1)[1])
        assert 3 <= line <= 2 + len(pieces)  # inside the block, on a line of its body


def test_exclusive_branches_do_not_hide_each_other_s_names() -> None:
    block = (
        "DO $$ BEGIN\n"
        "IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'e') THEN\n"
        "  CREATE TYPE public.e AS ENUM ('a');\n"
        "ELSE\n"
        "  ALTER TYPE public.e ADD VALUE IF NOT EXISTS 'b';\n"
        "END IF;\n"
        "ALTER TYPE public.e ADD VALUE IF NOT EXISTS 'c';\n"  # after the IF: either branch may have made it
        "END $$"
    )
    needs = needs_of([_unit(block)])
    assert [(n.where, n.kind, n.name, len(n.when)) for n in needs] == [
        ("m/1_a.sql:3", "schema-create", "public", 1),
        ("m/1_a.sql:5", "type-owner", '"public"."e"', 1),  # the ELSE branch: the type there now
    ]
    assert needs[1].when[0][0].endswith("IS NOT TRUE")
