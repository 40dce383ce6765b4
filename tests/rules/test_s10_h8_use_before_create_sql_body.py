"""``use-before-create`` reads the body of a ``LANGUAGE sql`` function: PostgreSQL parses and analyses it
at CREATE FUNCTION (``check_function_bodies`` is on), so a table or function it names that only a later
file creates makes the migration fail on a fresh database (``relation "public.later_t" does not exist``,
as replay shows). Was: no finding (only PL/pgSQL bodies are deferred to the first call)."""

from __future__ import annotations

from .conftest import Check

RULE = "use-before-create"
LATER = {
    "2_b.sql": "create function public.later() returns int language sql as $$ select 1 $$;\n"
    "create table public.later_t (id int primary key);\n"
}


def test_sql_body_naming_a_later_table_and_function(check: Check) -> None:
    files = {
        "1_a.sql": "create function public.n() returns bigint language sql as "
        "$$ select count(*) from later_t $$;\n"
        "create function public.m() returns int language sql as $$ select public.later() $$;\n",
        **LATER,
    }
    found = sorted((f.location.line, f.objects) for f in check(RULE, files))
    assert found == [(1, ("public.later_t",)), (2, ("public.later",))]


def test_plpgsql_and_polymorphic_and_cte_bodies_are_not_read(check: Check) -> None:
    files = {
        "1_a.sql": "create function public.p() returns bigint language plpgsql as $$ begin "
        "return (select count(*) from later_t); end $$;\n"
        "create function public.q(x anyelement) returns bigint language sql as "
        "$$ select count(*) from later_t $$;\n"
        "create function public.r() returns bigint language sql as "
        "$$ with later_t as (select 1) select count(*) from later_t $$;\n",
        **LATER,
    }
    assert check(RULE, files) == []
