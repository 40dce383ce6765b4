"""The Supabase base on a server where the connecting role is not a superuser (Supabase's own ``postgres``
role is not one; neither is a database owner with CREATEDB CREATEROLE on a self-hosted server).

On PostgreSQL 16 and later CREATEROLE no longer implies ADMIN OPTION on other roles: the base's
``GRANT anon, authenticated, service_role TO authenticator`` failed with "permission denied to grant role
anon", so replay with ``--scratch-url`` of such a server stopped before the first migration, and the
template being built (``pgc_tpl_supabase_<hash>_build``) was left on the user's server.
"""

from __future__ import annotations

import re
import secrets

import psycopg
import pytest
from psycopg import sql

from pgconsolidate.errors import DatabaseError
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch import supabase as base


def test_the_base_installs_as_a_database_owner_without_admin_option(scratch_db: str) -> None:
    owner = f"pgc_h8_owner_{secrets.token_hex(4)}"
    # all in one transaction, rolled back: roles are cluster-wide and the server is shared
    with psycopg.connect(scratch_db) as conn:
        dbname = conn.info.dbname
        conn.execute(base.base_sql().encode())  # the roles exist, as on a Supabase project
        conn.execute("REVOKE anon FROM authenticator")  # a server where PostgREST's role lacks it
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER CREATEDB CREATEROLE").format(sql.Identifier(owner))
        )
        conn.execute(sql.SQL("GRANT anon, authenticated, service_role TO {}").format(sql.Identifier(owner)))
        conn.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(dbname), sql.Identifier(owner))
        )
        schemas = re.findall(r"CREATE SCHEMA IF NOT EXISTS (\w+)", base.base_sql())
        assert "auth" in schemas
        for schema in schemas:  # the base again, made by the owner, as in a new database of its own
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(owner)))
        conn.execute(base.base_sql().encode())
        assert conn.execute("SELECT to_regclass('auth.users') IS NOT NULL").fetchone() == (True,)
        assert conn.execute("SELECT pg_has_role('authenticator', 'authenticated', 'MEMBER')").fetchone() == (
            True,
        )
        conn.rollback()


def test_a_failed_template_build_leaves_no_database(
    scratch_server: ScratchServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"{base.TEMPLATE_PREFIX}h8test{secrets.token_hex(3)}"

    def refused(url: str) -> None:
        with psycopg.connect(url) as conn:  # the server's own refusal, as a non-superuser gets it
            conn.execute("SET ROLE anon")
            conn.execute("CREATE SCHEMA pgc_h8_refused")

    monkeypatch.setattr(base, "template_name", lambda: name)
    monkeypatch.setattr(base, "install_supabase_base", refused)
    try:
        with pytest.raises(DatabaseError, match="permission denied"):
            base.ensure_supabase_template(scratch_server)
        with psycopg.connect(scratch_server.admin_url) as conn:
            left = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [name + "%"]
            ).fetchall()
        assert left == []
    finally:
        with psycopg.connect(scratch_server.admin_url, autocommit=True) as conn:
            for suffix in ("", "_build"):
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name + suffix)))
