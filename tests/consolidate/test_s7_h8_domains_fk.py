"""A one-table family whose table references a domain's table, their names sharing a prefix, is placed in
that domain (with the tables it references), not in the fallback ``initial_schema``."""

from __future__ import annotations

from pgconsolidate.plan.domains import derive_domains

from .test_h8_domains import _names, _placed, _snap

TABLES = [
    "public.chatbots",
    "public.chatbot_configs",
    "public.chat_messages",  # family "chat", one table: references chatbots
    "public.orders",
    "public.order_items",
    "public.users",
    "public.user_settings",
    "public.invoices",  # one table, references orders: no shared prefix, stays in the fallback
]
FKS = [
    ("public.chatbot_configs", "public.chatbots"),
    ("public.chat_messages", "public.chatbots"),
    ("public.order_items", "public.orders"),
    ("public.invoices", "public.orders"),
    ("public.orders", "public.users"),
]


def test_one_table_family_joins_the_domain_it_references_with_a_shared_prefix() -> None:
    doms = derive_domains(_snap(TABLES, FKS))
    assert _names(doms) == ["extensions", "initial_schema", "chatbot", "user", "order", "security_policies"]
    assert _placed(doms, "TABLE", "chat_messages") == "chatbot"
    assert _placed(doms, "TABLE", "chatbot_configs") == "chatbot"
    assert _placed(doms, "TABLE", "invoices") == "initial_schema"


def test_without_the_foreign_key_it_stays_in_the_fallback() -> None:
    doms = derive_domains(_snap(TABLES, [fk for fk in FKS if fk[0] != "public.chat_messages"]))
    assert _placed(doms, "TABLE", "chat_messages") == "initial_schema"
