"""Text output quotes the names in object identities where SQL needs it; JSON keeps identities as they are
(session 9, H7)."""

from __future__ import annotations

import psycopg

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.compare import diff_snapshots
from pgconsolidate.compare.names import quote_ident
from pgconsolidate.compare.render import text_lines, to_json


def test_quote_ident_matches_postgresql(scratch_db: str) -> None:
    names = ["memories", "my.idx", "Post", "user", "select", "name", "a b", 'q"uote', "_x1", "1abc", "a$b"]
    with psycopg.connect(scratch_db) as conn:
        for name in names:
            row = conn.execute("SELECT quote_ident(%s)", [name]).fetchone()
            assert row is not None
            assert quote_ident(name) == row[0], name


def test_every_kind_quotes_what_needs_it(scratch_db: str) -> None:
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.t (id int PRIMARY KEY, v text)")
        before = read_snapshot(scratch_db)
        conn.execute(
            """
            CREATE SCHEMA "My.Schema";
            CREATE TABLE "My.Schema"."Post" ("Id" int, "user" text);
            CREATE INDEX "my.idx" ON public.t (v);
            ALTER TABLE public.t ADD COLUMN "Weird Col" int;
            ALTER TABLE public.t ADD CONSTRAINT "v.check" CHECK (v <> '');
            CREATE FUNCTION public."Fn"(a text) RETURNS text LANGUAGE sql AS 'SELECT a';
            CREATE TYPE public."Mood" AS ENUM ('a');
            CREATE VIEW public."order" AS SELECT 1 AS x;
            ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;
            CREATE POLICY "Users can read" ON public.t FOR SELECT USING (true);
            """
        )
        after = read_snapshot(scratch_db)
    result = diff_snapshots(before, after)
    lines = text_lines(result)
    text = "\n".join(lines)
    for expected in (
        '+ index public."my.idx" (only in B)',
        '+ column public.t."Weird Col" (only in B)',
        '+ constraint public.t."v.check" (only in B)',
        '+ function public."Fn"(text) (only in B)',
        '+ enum public."Mood" (only in B)',
        '+ view public."order" (only in B)',
        '+ policy public.t."Users can read" (only in B)',
        '+ schema "My.Schema" (only in B)',
        '+ table "My.Schema"."Post" (only in B) with',
    ):
        assert expected in text, (expected, lines)
    # JSON keeps the identities as they are (keys, not SQL)
    ids = {d["identity"] for d in to_json(result)["differences"]}
    assert {"public.my.idx", "public.t.Weird Col", "public.Fn(text)", "My.Schema.Post"} <= ids
    assert not any('"' in i for i in ids if not i.startswith("grant"))


def test_plain_names_are_unchanged(scratch_db: str) -> None:
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        before = read_snapshot(scratch_db)
        conn.execute("CREATE TABLE public.memories (id int, embedding text)")
        after = read_snapshot(scratch_db)
    lines = text_lines(diff_snapshots(before, after))
    assert any(line.startswith("+ table public.memories (only in B)") for line in lines), lines


def test_grants_quote_their_objects_and_grantees(scratch_db: str, scratch_server) -> None:
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(
            'DROP ROLE IF EXISTS "Weird Role"; CREATE ROLE "Weird Role";'
            'CREATE TABLE public."order" (id int, "My Col" int);'
            "CREATE FUNCTION public.\"F\"(a int) RETURNS int LANGUAGE sql AS 'SELECT 1';"
            'CREATE SCHEMA "s.x"'
        )
        before = read_snapshot(scratch_db)
        conn.execute(
            'GRANT SELECT ON public."order" TO "Weird Role";'
            'GRANT UPDATE ("My Col") ON public."order" TO "Weird Role";'
            'GRANT EXECUTE ON FUNCTION public."F"(int) TO "Weird Role";'
            'GRANT USAGE ON SCHEMA "s.x" TO "Weird Role";'
            'ALTER DEFAULT PRIVILEGES IN SCHEMA "s.x" GRANT SELECT ON TABLES TO "Weird Role"'
        )
        after = read_snapshot(scratch_db)
        try:
            lines = text_lines(diff_snapshots(before, after))
        finally:
            conn.execute('DROP OWNED BY "Weird Role"; DROP ROLE "Weird Role"')
    for expected in (
        '+ grant table public."order" to "Weird Role" (only in B)',
        '+ grant column public."order"."My Col" to "Weird Role" (only in B)',
        '+ grant function public."F"(integer) to "Weird Role" (only in B)',
        '+ grant schema "s.x" to "Weird Role" (only in B)',
        '+ grant default tables in "s.x" by postgres to "Weird Role" (only in B)',
    ):
        assert expected in lines, (expected, lines)
