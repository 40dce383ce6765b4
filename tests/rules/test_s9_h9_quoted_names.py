"""Findings' messages write mixed-case (and other) names as SQL needs them (found on a dbmate star
schema: ``CREATE TABLE public.Customer_Dim fails ...`` for a table created as ``"Customer_Dim"``, which
reads as ``customer_dim``); identities in ``objects`` stay as they are."""

from __future__ import annotations

from pgconsolidate.rules.shown_names import needs_quoting, quote_ident, quoted_message

from .conftest import Check

DIM = 'create table "Customer_Dim" ("CustomerKey" int primary key, name text);\n'
FACT = (
    'create table "Sales_Fact" (id int primary key, "CustomerKey" int);\n'
    'alter table "Sales_Fact" add constraint fk foreign key ("CustomerKey") '
    'references "Customer_Dim" ("CustomerKey");\n'
)


def test_non_idempotent_quotes_the_table(check: Check) -> None:
    (f,) = [f for f in check("non-idempotent", {"1_a.sql": DIM}) if "TABLE" in f.message]
    assert f.message.startswith('CREATE TABLE public."Customer_Dim" fails if the table already exists')
    assert f.objects == ("public.Customer_Dim",)


def test_foreign_key_quotes_tables_and_columns(check: Check) -> None:
    (f,) = check("unindexed-foreign-key", {"1_a.sql": DIM + FACT})
    assert f.message == (
        'foreign key public."Sales_Fact"("CustomerKey") → public."Customer_Dim" has no index starting '
        'with ("CustomerKey")'
    )
    assert f.objects == ("public.Sales_Fact.CustomerKey",)


def test_plain_names_unchanged(check: Check) -> None:
    (f,) = [f for f in check("non-idempotent", {"1_a.sql": "create table customer_dim (id int);\n"})]
    assert f.message.startswith("CREATE TABLE public.customer_dim fails")


def test_quoted_message_only_rewrites_known_names() -> None:
    known = {"public.T", "public.T.Col", "public.Other"}.__contains__
    msg = "x public.T(Col) y public.Other z README.md w public.Unknown (Col)"
    assert quoted_message(msg, ("public.T.Col",), known) == (
        'x public."T"("Col") y public."Other" z README.md w public.Unknown ("Col")'
    )
    # already quoted names stay as they are; a function keeps its argument types
    assert quoted_message('f public."T" g', ("public.T",), known) == 'f public."T" g'
    assert quoted_message("public.Fn(text) runs", ("public.Fn(text)",), known) == 'public."Fn"(text) runs'
    # no object needs quotes: the message is returned as it is, whatever it holds
    assert (
        quoted_message("public.T", ("public.t", "public.f(Text)", "public.t.my policy"), known) == "public.T"
    )


def test_needs_quoting_and_quote_ident() -> None:
    assert not needs_quoting(("public.t", "public.t.c", "public.f(integer, text)", "public.t.p one"))
    assert needs_quoting(("public.t", "public.T"))
    assert needs_quoting(("public.my-table",))
    assert [quote_ident(n) for n in ("a_1", "A", "user", "my name", 'a"b', "1a")] == [
        "a_1",
        '"A"',
        '"user"',
        '"my name"',
        '"a""b"',
        '"1a"',
    ]
