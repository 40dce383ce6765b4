"""Sequences' owning columns, named by the reader from the columns it read (and by the server for columns
it did not read), equal what the server names."""

from __future__ import annotations

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.db.connect import connection

SHAPES = """
CREATE SCHEMA auth;
CREATE SCHEMA "Odd";
CREATE TABLE auth.users (id integer);
CREATE TABLE public.t (id serial, "Big Id" bigint GENERATED ALWAYS AS IDENTITY, plain integer);
CREATE TABLE "Odd"."T T" ("x y" smallserial);
CREATE SEQUENCE public.free;
CREATE SEQUENCE public.owned_by_plain OWNED BY public.t.plain;
CREATE SEQUENCE auth.hidden OWNED BY auth.users.id;
CREATE EXTENSION vector;
CREATE TABLE public.ext_t (id integer);
ALTER EXTENSION vector ADD TABLE public.ext_t;
CREATE SEQUENCE public.owned_by_ext OWNED BY public.ext_t.id;
ALTER TABLE public.t DROP COLUMN plain;
CREATE SEQUENCE public.after_drop;
CREATE TABLE public.after (a integer, b serial);
ALTER TABLE public.after DROP COLUMN a;
"""

SERVER = """
SELECT n.nspname || '.' || c.relname,
       (SELECT tn.nspname || '.' || tc.relname || '.' || ta.attname
          FROM pg_depend d
          JOIN pg_class tc ON tc.oid = d.refobjid
          JOIN pg_namespace tn ON tn.oid = tc.relnamespace
          JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid
         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
           AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
           AND d.deptype IN ('a', 'i')
         LIMIT 1)
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'Odd')
"""


def test_sequence_owners_equal_the_servers(scratch_db: str) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(SHAPES.encode())
        expected = {str(name): owner for name, owner in conn.execute(SERVER).fetchall()}
    got = {s.identity: s.owned_by for s in read_snapshot(scratch_db).sequences}
    assert got == expected
    assert got["public.t_id_seq"] == "public.t.id"
    assert got["public.t_Big Id_seq"] == "public.t.Big Id"
    assert got["Odd.T T_x y_seq"] == "Odd.T T.x y"
    assert got["public.owned_by_ext"] == "public.ext_t.id"  # an extension's table, not read: the server's
    assert got["public.free"] is None
    assert got["public.after_b_seq"] == "public.after.b"
