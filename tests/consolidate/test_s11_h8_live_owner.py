"""The proof's copy of a live database whose objects belong to a role other than the scratch server's.

The copy is restored without owners (``pg_restore --no-owner``): its objects belong to the role that
restored it. With a live database owned by anything but ``postgres`` (a self-hosted app's role, a
Supabase-like owner on another server) every table, function and sequence was reported as 'not copied'
twice (``owner: app → postgres`` and the owner's own privileges under the other name), and consolidate
and verify said NOT verified on every such database.
"""

from __future__ import annotations

import secrets

from psycopg import sql

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.db.connect import connection
from pgconsolidate.scratch import ScratchServer, throwaway_database
from pgconsolidate.verify.livecopy import copy_live, not_copied


def test_a_live_database_of_another_owner_copies_without_differences(scratch_server: ScratchServer) -> None:
    owner = f"pgc_h8_app_{secrets.token_hex(4)}"
    with connection(scratch_server.admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(owner)))
    try:
        with throwaway_database(scratch_server) as live, throwaway_database(scratch_server) as scratch:
            with connection(live, autocommit=True) as conn:
                conn.execute(sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(sql.Identifier(owner)))
                conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(owner)))
                conn.execute(
                    "CREATE TABLE public.notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, b text)"
                )
                conn.execute(
                    "CREATE FUNCTION public.note_count() RETURNS bigint LANGUAGE sql AS 'SELECT 1::bigint'"
                )
                conn.execute("GRANT SELECT ON public.notes TO PUBLIC")
                conn.execute("REVOKE EXECUTE ON FUNCTION public.note_count() FROM PUBLIC")
                conn.execute("INSERT INTO public.notes (b) VALUES ('a'), ('b')")
            copied = copy_live(live, scratch, scratch_server, supabase=False)
            live_snapshot, copy_snapshot = read_snapshot(live), read_snapshot(scratch)
            assert {t.owner for t in live_snapshot.tables} == {owner}  # the copy's are the scratch role's
            assert not_copied(live_snapshot, copy_snapshot, copied) == []
            # a privilege really lost is still reported
            with connection(scratch, autocommit=True) as conn:
                conn.execute("REVOKE SELECT ON public.notes FROM PUBLIC")
            lost = not_copied(live_snapshot, read_snapshot(scratch), copied)
            assert any("public.notes to PUBLIC" in line for line in lost), lost
    finally:
        with connection(scratch_server.admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(owner)))
