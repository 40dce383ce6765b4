"""What the cheaper catalog queries and client code return is what the plain forms return.

* ``body_hash`` (the fast path that skips ``normalize_body`` and hexes half the digest) gives the hash of
  the specification below for any text, whitespace of every kind included;
* functions' comments (looked up per function), policies (their table looked up by oid) and constraints
  (the referenced table and the key's index looked up per constraint) equal what straightforward
  queries over the catalog say, for objects in several schemas, in skipped schemas and with odd names,
  on PostgreSQL 18 and 16.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.catalog.normalize import body_hash, normalize_body
from pgconsolidate.db.connect import connection

_TRAILING_SPACE = re.compile(r"[ \t\f\v]\n")


def _specified_body(text: str) -> str:
    """normalize_body as it was written before the fast path (snapshots hold its hashes): a body without
    a carriage return or an ASCII space before a line feed is only stripped (so a no-break space before a
    line feed stays), any other has every line right-stripped."""
    if "\r" not in text and _TRAILING_SPACE.search(text) is None:
        return text.strip()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n").strip()


def _specified_hash(text: str | None) -> str:
    """body_hash as it was written before: the normalised body's sha256, first 16 hex digits."""
    digest = hashlib.sha256(_specified_body(text or "").encode("utf-8")).hexdigest()
    return f"sha256:{digest[:16]}"


_BODY_TEXT = st.text(alphabet=st.sampled_from(list("ab;' \t\n\r\f\v\u00a0\u2028\u3000é$")), max_size=40)


@settings(max_examples=400, deadline=None)
@given(_BODY_TEXT)
def test_body_hash_is_the_specified_hash(text: str) -> None:
    assert body_hash(text) == _specified_hash(text)
    assert normalize_body(text) == _specified_body(text)


def test_body_hash_of_known_bodies() -> None:
    assert body_hash(None) == body_hash("") == _specified_hash("")
    for text in (" SELECT 1 ", "SELECT 1;\r\n", "a \nb", "a\t\n", "a\f\nb", "a\v\n", ";\u00a0\n;", "\n\n"):
        assert body_hash(text) == _specified_hash(text), repr(text)


SHAPES = """
CREATE SCHEMA "Odd Schema";
CREATE SCHEMA auth;
CREATE ROLE pgc_kc_role NOLOGIN;
CREATE TABLE public.a (id integer PRIMARY KEY, owner text, n integer, UNIQUE (owner, n));
CREATE TABLE "Odd Schema"."Select" (id integer PRIMARY KEY, a_id integer REFERENCES public.a,
                                    "Key" text UNIQUE NULLS NOT DISTINCT);
CREATE TABLE auth.users (id integer PRIMARY KEY);
CREATE TABLE public.b (id integer PRIMARY KEY REFERENCES auth.users,
                       s integer REFERENCES "Odd Schema"."Select", k text,
                       CONSTRAINT b_k_key UNIQUE (k) INCLUDE (s));
ALTER TABLE public.a ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Read own" ON public.a FOR SELECT TO pgc_kc_role, postgres USING (owner = current_user);
CREATE POLICY a_insert ON public.a FOR INSERT WITH CHECK (n > 0);
CREATE POLICY "sel" ON "Odd Schema"."Select" AS RESTRICTIVE USING (id > 0);
CREATE POLICY hidden ON auth.users USING (true);
COMMENT ON POLICY "sel" ON "Odd Schema"."Select" IS 'restrictive';
CREATE FUNCTION public.f(integer) RETURNS integer LANGUAGE sql AS $$ SELECT $1 $$;
CREATE FUNCTION public.f(text) RETURNS text LANGUAGE sql AS $$ SELECT $1 $$;
CREATE FUNCTION "Odd Schema".g() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION auth.uid() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
COMMENT ON FUNCTION public.f(integer) IS 'the integer one';
COMMENT ON FUNCTION "Odd Schema".g() IS 'odd';
COMMENT ON FUNCTION auth.uid() IS 'skipped';
"""

POLICIES = """
SELECT n.nspname || '.' || c.relname || '.' || p.polname, n.nspname || '.' || c.relname, p.polpermissive,
       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
       obj_description(p.oid, 'pg_policy')
FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'Odd Schema', 'auth')
"""

FUNCTION_COMMENTS = """
SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       obj_description(p.oid, 'pg_proc')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('public', 'Odd Schema')
"""

CONSTRAINTS = """
SELECT n.nspname || '.' || c.relname || '.' || k.conname, pg_get_constraintdef(k.oid, true)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'Odd Schema') AND k.contype <> 'n'
"""


def _server(url: str, query: str) -> list[tuple[Any, ...]]:
    with connection(url) as conn:
        conn.execute("SET search_path TO pg_catalog, public")
        return conn.execute(query).fetchall()


def _check(url: str) -> None:
    with connection(url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS pgc_kc_role")
        shapes = SHAPES if conn.info.server_version >= 150000 else SHAPES.replace(" NULLS NOT DISTINCT", "")
        conn.execute(shapes.encode())
    try:
        snap = read_snapshot(url)
        policies = {
            (p.identity, p.table, p.permissive, p.using, p.with_check, p.comment) for p in snap.policies
        }
        assert policies == set(_server(url, POLICIES))
        assert len(policies) == 4  # auth's tables are left out, the project's policies on them are not
        roles = {p.identity: p.roles for p in snap.policies}
        assert roles["public.a.Read own"] == ("pgc_kc_role", "postgres")

        comments = {f.identity: f.comment for f in snap.functions}
        assert comments == dict(_server(url, FUNCTION_COMMENTS))  # unnamed arguments of built-in types
        assert comments["public.f(integer)"] == "the integer one" and comments["public.f(text)"] is None
        assert comments["Odd Schema.g()"] == "odd"

        constraints = {c.identity: c.definition for c in snap.constraints}
        assert constraints == dict(_server(url, CONSTRAINTS))
        assert constraints["public.b.b_id_fkey"] == "FOREIGN KEY (id) REFERENCES auth.users(id)"
        assert constraints["public.b.b_s_fkey"] == 'FOREIGN KEY (s) REFERENCES "Odd Schema"."Select"(id)'
    finally:
        with connection(url, autocommit=True) as conn:
            conn.execute('DROP POLICY "Read own" ON public.a')
            conn.execute("DROP ROLE pgc_kc_role")


def test_kinds_equal_plain_queries(scratch_db: str) -> None:
    _check(scratch_db)


def test_kinds_equal_plain_queries_on_postgresql_16(scratch_db_16: str) -> None:
    _check(scratch_db_16)
