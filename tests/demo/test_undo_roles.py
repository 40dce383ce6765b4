"""The undo of a failed demo-db build drops only the roles the build's SQL names: roles are server-wide, and
one another session made on the same server while the build ran is not the build's to drop."""

from __future__ import annotations

import secrets

from psycopg import sql

from pgconsolidate.db.connect import connection
from pgconsolidate.demo.undo import capture, named_in, undo
from pgconsolidate.scratch import ScratchServer, throwaway_database


def test_named_in_reads_words_and_quoted_names() -> None:
    texts = ['CREATE ROLE app_reader;\nGRANT app_reader TO "Mixed Role";']
    assert named_in("app_reader", texts)
    assert named_in("APP_READER".lower(), ["create role APP_READER"])
    assert named_in("Mixed Role", texts)
    assert not named_in("app", texts)  # a prefix of a named role is not that role
    assert not named_in("app_reader_2", texts)
    assert not named_in("mixed role", texts)
    assert not named_in("app_reader", ['CREATE ROLE "app_reader_x"'])


def test_undo_keeps_a_role_the_build_did_not_name(scratch_server: ScratchServer) -> None:
    ours, theirs = (f"pgc_undo_{what}_{secrets.token_hex(4)}" for what in ("ours", "theirs"))
    with throwaway_database(scratch_server) as url:
        before = capture(url)
        with connection(url, autocommit=True) as conn:
            for role in (ours, theirs):
                conn.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("CREATE TABLE public.t (id int)"))
            conn.execute(sql.SQL("GRANT SELECT ON public.t TO {}").format(sql.Identifier(ours)))
        try:
            undo(url, before, [f"CREATE ROLE {ours};\nCREATE TABLE public.t (id int);"])
            with connection(url, autocommit=True) as conn:
                left = {
                    str(r[0])
                    for r in conn.execute(
                        "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", ([ours, theirs],)
                    )
                }
                tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
            assert left == {theirs}
            assert tables == (0,)
        finally:
            with connection(scratch_server.admin_url, autocommit=True) as conn:
                for role in (ours, theirs):
                    conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
