"""The platform's tables (``storage.objects``, ``auth.users``: schemas left out unless asked) as far as
projects change them: row level security, privileges on them and on their columns, comments (session 10,
H5). ``MANAGED_CASES`` join the cases of test_compare_kinds.py (one per attribute; its structural test
fails for an attribute without one). Here: which of the platform's tables exist is not a difference (the
platform's version, or the scratch base a replay installs), nothing new runs on a database without such
schemas, and a project's policies and triggers on them, already read, are compared too."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog.model import ManagedTable
from pgconsolidate.compare import diff_snapshots
from pgconsolidate.compare.diff import CHANGED, common_features
from pgconsolidate.compare.render import text_lines
from pgconsolidate.db.connect import connection
from pgconsolidate.scratch import ScratchServer, throwaway_database

from .schema import READER

MANAGED_CASES: list[tuple[str, str, str, str, str]] = [
    (
        "managed-rls-enabled",
        "ALTER TABLE storage.objects DISABLE ROW LEVEL SECURITY",
        "managed_tables",
        "storage.objects",
        "rls_enabled",
    ),
    (
        "managed-rls-forced",
        "ALTER TABLE storage.objects FORCE ROW LEVEL SECURITY",
        "managed_tables",
        "storage.objects",
        "rls_forced",
    ),
    (
        "managed-privileges",
        f"GRANT INSERT ON storage.objects TO {READER}",
        "managed_tables",
        "storage.objects",
        "privileges",
    ),
    (
        "managed-column-privileges",
        f"REVOKE SELECT (name) ON storage.objects FROM {READER}",
        "managed_tables",
        "storage.objects",
        "column_privileges",
    ),
    (
        "managed-comment",
        "COMMENT ON TABLE storage.objects IS NULL",
        "managed_tables",
        "storage.objects",
        "comment",
    ),
]

PLATFORM = """
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
CREATE SCHEMA storage;
CREATE TABLE storage.objects (id uuid PRIMARY KEY, bucket_id text, name text, owner uuid);
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
"""


def _platform(url: str) -> None:
    """A database with two of the platform's tables (and a role to grant to)."""
    with connection(url, autocommit=True) as conn:
        conn.execute(
            "DO $$ BEGIN CREATE ROLE pgc_h5_anon NOLOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
        conn.execute(PLATFORM.encode())


@pytest.mark.parametrize(
    "statements",
    [
        "ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE storage.objects DISABLE ROW LEVEL SECURITY",
        "GRANT SELECT ON auth.users TO pgc_h5_anon",
        "GRANT SELECT (id, email) ON auth.users TO pgc_h5_anon",
        "REVOKE ALL ON storage.objects FROM PUBLIC; GRANT DELETE ON storage.objects TO PUBLIC",
        "COMMENT ON TABLE auth.users IS 'changed'",
    ],
)
def test_what_projects_change_on_the_platforms_tables_is_a_difference(
    scratch_server: ScratchServer, statements: str
) -> None:
    with throwaway_database(scratch_server) as url:
        _platform(url)
        before = read_snapshot(url)
        assert not before.tables  # the platform's tables are not the project's tables ...
        assert {t.identity for t in before.managed_tables} == {"auth.users", "storage.objects"}
        with connection(url, autocommit=True) as conn:
            conn.execute(statements.encode())
        after = read_snapshot(url)
        result = diff_snapshots(before, after)
        assert not result.equivalent, statements  # ... but what a migration changes on them is compared
        (d,) = result.differences
        assert d.kind == "managed table" and d.change == CHANGED
        assert text_lines(result)[0].startswith("~ managed table ")


def test_the_platforms_own_roles_privileges_are_not_read(scratch_server: ScratchServer) -> None:
    """The platform grants its roles (dashboard_user, postgres, ...) privileges on its tables, differently
    from one project's age to another's; a replay's scratch base has none: not compared."""
    with throwaway_database(scratch_server) as url:
        _platform(url)
        with connection(url, autocommit=True) as conn:
            conn.execute(
                "DO $$ BEGIN CREATE ROLE dashboard_user NOLOGIN; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            )
            conn.execute(
                "GRANT ALL ON auth.users TO dashboard_user; GRANT SELECT (id) ON auth.users TO dashboard_user"
            )
        (users,) = [t for t in read_snapshot(url).managed_tables if t.identity == "auth.users"]
        assert isinstance(users, ManagedTable) and users.privileges == () and users.column_privileges == ()


def test_policies_and_triggers_on_them_are_differences(scratch_server: ScratchServer) -> None:
    with throwaway_database(scratch_server) as url:
        _platform(url)
        before = read_snapshot(url)
        with connection(url, autocommit=True) as conn:
            conn.execute(
                b"CREATE POLICY own ON storage.objects FOR SELECT USING (owner IS NOT NULL);"
                b"CREATE FUNCTION public.on_user() RETURNS trigger LANGUAGE plpgsql AS "
                b"$$ BEGIN RETURN new; END $$;"
                b"CREATE TRIGGER on_user AFTER INSERT ON auth.users FOR EACH ROW "
                b"EXECUTE FUNCTION public.on_user()"
            )
        changed = {(d.kind, d.identity) for d in diff_snapshots(before, read_snapshot(url)).differences}
        assert ("policy", "storage.objects.own") in changed
        assert ("trigger", "auth.users.on_user") in changed


def test_a_platform_table_on_one_side_only_is_not_a_difference(scratch_server: ScratchServer) -> None:
    with throwaway_database(scratch_server) as url:
        _platform(url)
        before = read_snapshot(url)
        with connection(url, autocommit=True) as conn:
            conn.execute(b"CREATE TABLE auth.sessions (id uuid); DROP TABLE storage.objects")
        after = read_snapshot(url)
        assert {t.identity for t in after.managed_tables} == {"auth.sessions", "auth.users"}
        assert diff_snapshots(before, after).equivalent
        # a side that has none at all (a plain server, an older snapshot file): said in a note
        plain = diff_snapshots(before, replace(before, managed_tables=()))
        assert plain.equivalent
        assert any("managed tables" in n and "only A has them" in n for n in plain.notes)


def test_nothing_new_runs_without_a_platform_schema(scratch_db: str, sent_queries: list[bytes]) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int)")
    sent = sent_queries
    snap = read_snapshot(scratch_db)
    assert not snap.managed_tables and [t.identity for t in snap.tables] == ["public.t"]
    assert not any(b"AS column_privileges" in q for q in sent)
    # asked to read the platform's schemas as the project's: their tables are tables, not managed ones
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA storage; CREATE TABLE storage.objects (id int)")
    sent.clear()
    assert [t.identity for t in read_snapshot(scratch_db).managed_tables] == ["storage.objects"]
    assert any(b"AS column_privileges" in q for q in sent)
    wide = read_snapshot(scratch_db, include_managed_schemas=True)
    assert not wide.managed_tables and "storage.objects" in {t.identity for t in wide.tables}


def test_privileges_only_one_server_version_has_are_left_out() -> None:
    from pgconsolidate.catalog import Snapshot

    table = ManagedTable(
        identity="storage.objects",
        rls_enabled=True,
        rls_forced=False,
        privileges=("anon: MAINTAIN, SELECT*", "dashboard_user: MAINTAIN"),
        column_privileges=("name anon: MAINTAIN",),
    )
    old = replace(table, privileges=("anon: SELECT*",), column_privileges=())
    a = Snapshot(source="a", server_version=180000, managed_tables=(table,))
    b = Snapshot(source="b", server_version=150000, managed_tables=(old,))
    stripped, _, notes = common_features(a, b)
    assert stripped.managed_tables == (old,)
    assert notes and "MAINTAIN" in notes[0]
    assert diff_snapshots(a, b).equivalent
    other = replace(b, managed_tables=(replace(old, privileges=()),))
    assert not diff_snapshots(a, other).equivalent


def test_a_database_webhook_on_a_platform_table_is_the_projects(scratch_db: str) -> None:
    """A trigger on a platform table is the project's when its function is outside the table's schema:
    its own function, or a Database Webhook (supabase_functions.http_request, another platform schema);
    the platform's own triggers call their table schema's functions and are not read."""
    from pgconsolidate.catalog import reader as reader_module
    from pgconsolidate.scratch.supabase import install_supabase_base

    install_supabase_base(scratch_db)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            b"CREATE FUNCTION storage.touch() RETURNS trigger LANGUAGE plpgsql AS "
            b"$$ BEGIN RETURN new; END $$;"
            b"CREATE TRIGGER update_objects_updated_at BEFORE UPDATE ON storage.objects "
            b"FOR EACH ROW EXECUTE FUNCTION storage.touch()"
        )

    def census_says_triggers() -> bool:
        skip = reader_module.skipped_schemas(False)
        with connection(scratch_db) as conn, conn.transaction():
            _, census = reader_module._send_preamble(conn, skip)
            return "triggers" not in reader_module._empty_kinds(census)

    assert read_snapshot(scratch_db).triggers == () and not census_says_triggers()
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            b"CREATE TRIGGER signup_webhook AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION "
            b"supabase_functions.http_request('https://example.com/hook', 'POST', '{}', '{}', '5000')"
        )
    assert census_says_triggers()
    (trigger,) = read_snapshot(scratch_db).triggers
    assert trigger.identity == "auth.users.signup_webhook"
    assert "supabase_functions.http_request('https://example.com/hook'" in trigger.definition  # type: ignore[attr-defined]


def test_read_alike_on_16(scratch_db: str, scratch_db_16: str) -> None:
    """The query asks nothing version-specific: PostgreSQL 16 gives the same objects as 18."""
    statements = (
        "GRANT SELECT ON auth.users TO pgc_h5_anon WITH GRANT OPTION;"
        "GRANT UPDATE (email) ON auth.users TO pgc_h5_anon;"
        "ALTER TABLE auth.users FORCE ROW LEVEL SECURITY;"
        "COMMENT ON TABLE storage.objects IS 'files'"
    )
    read = []
    for url in (scratch_db, scratch_db_16):
        _platform(url)
        with connection(url, autocommit=True) as conn:
            conn.execute(statements.encode())
        read.append(read_snapshot(url).managed_tables)
    assert read[0] == read[1]
    users = next(t for t in read[0] if t.identity == "auth.users")
    assert isinstance(users, ManagedTable)
    assert users.privileges == ("pgc_h5_anon: SELECT*",)
    assert users.column_privileges == ("email pgc_h5_anon: UPDATE",)
    assert users.rls_forced and not users.rls_enabled
