"""similar-tables on small tables: near-copies with related names are found, neighbours are not."""

from __future__ import annotations

import pytest

from pgconsolidate.rules.similar_tables import related_name_pairs
from pgconsolidate.rules.similarity import names_related, near_copy, similar_pair, table_similarity

MEMBERS = (
    "create table members (id bigserial primary key, team_id bigint, user_id uuid not null, "
    "role text not null, created_at timestamptz default now());\n"
)
TEAM_MEMBERS = MEMBERS.replace("table members", "table team_members")


def crowd(n: int = 60) -> str:
    """``n`` tables that all carry team_id and user_id (as tenant-scoped schemas do), plus bookkeeping."""
    return "".join(
        f"create table thing{i} (id bigserial primary key, team_id bigint, user_id uuid, label{i} text, "
        "created_at timestamptz, updated_at timestamptz);\n"
        for i in range(n)
    )


BAD = [
    # the foreign keys are in more than 50 tables: the shared-column index ignores them, the names find it
    (
        "in a large schema",
        {"1_a.sql": crowd() + MEMBERS, "2_b.sql": TEAM_MEMBERS},
        ("2_b.sql", "team_members"),
    ),
    (
        "three columns, composite key",
        {
            "1_a.sql": "create table members (team_id bigint, user_id uuid, role text, "
            "primary key (team_id, user_id));",
            "2_b.sql": "create table team_members (team_id bigint, user_id uuid, role text, "
            "primary key (team_id, user_id));",
        },
        ("2_b.sql", "team_members"),
    ),
    (
        "singular and plural",
        {
            "1_a.sql": "create table client (id uuid primary key, email text);",
            "2_b.sql": "create table clients (id uuid primary key, email text, created_at timestamptz);",
        },
        ("2_b.sql", "clients"),
    ),
    (
        "one extra column and a different role type",
        {
            "1_a.sql": crowd()
            + "create type member_role as enum ('owner', 'member');\n"
            + MEMBERS.replace("role text", "role member_role"),
            "2_b.sql": TEAM_MEMBERS.replace("created_at", "invited_by uuid, created_at"),
        },
        ("2_b.sql", "team_members"),
    ),
]

OK = [
    (
        "only bookkeeping columns in common",
        {
            "1_a.sql": "create table users (id uuid primary key, created_at timestamptz, "
            "updated_at timestamptz);",
            "2_b.sql": "create table user_settings (id uuid primary key, created_at timestamptz, "
            "updated_at timestamptz);",
        },
    ),
    (
        "a table and its members in a large schema",
        {
            "1_a.sql": crowd()
            + "create table projects (id bigserial primary key, team_id bigint, user_id uuid, name text, "
            "created_at timestamptz, updated_at timestamptz);",
            "2_b.sql": "create table project_members (id bigserial primary key, team_id bigint, "
            "user_id uuid, project_id bigint, role text, created_at timestamptz, updated_at timestamptz);",
        },
    ),
    (
        "related names, two shared foreign keys only",
        {
            "1_a.sql": crowd()
            + "create table notes (id bigserial primary key, team_id bigint, user_id uuid);",
            "2_b.sql": "create table note_votes (id bigserial primary key, team_id bigint, user_id uuid, "
            "value int);",
        },
    ),
    (
        "same columns, unrelated names",
        {
            "1_a.sql": crowd() + MEMBERS,
            "2_b.sql": MEMBERS.replace("table members", "table invitations"),
        },
    ),
    (
        "partitions of one table",
        {
            "1_a.sql": "create table events (id bigint, user_id uuid, kind text, payload jsonb, at date) "
            "partition by range (at);\n"
            + "".join(
                f"create table events_{y} partition of events for values from ('{y}-01-01') to "
                f"('{y + 1}-01-01');\n"
                for y in range(2020, 2026)
            )
        },
    ),
    (
        "partitions created alone and attached later",
        {
            "1_a.sql": "create table events (id bigint, user_id uuid, kind text, payload jsonb, at date) "
            "partition by range (at);\n"
            + "".join(
                f"create table events_{y} (id bigint, user_id uuid, kind text, payload jsonb, at date);\n"
                f"alter table events attach partition events_{y} for values from ('{y}-01-01') to "
                f"('{y + 1}-01-01');\n"
                for y in range(2020, 2023)
            )
        },
    ),
    (
        "tables that inherit one another by ALTER TABLE ... INHERIT",
        {
            "1_a.sql": "create table logs (id bigint, user_id uuid, kind text, payload jsonb, at date);\n"
            "create table logs_2024 (id bigint, user_id uuid, kind text, payload jsonb, at date);\n"
            "alter table logs_2024 inherit logs;\n"
        },
    ),
    (
        "a table and the tables inheriting it",
        {
            "1_a.sql": "create table logs (id bigint, user_id uuid, kind text, payload jsonb, at date);\n"
            "create table logs_2024 () inherits (logs);\n"
            "create table logs_2025 (note text) inherits (logs);\n"
        },
    ),
    (
        "many bookkeeping-only tables with related names",
        {
            "1_a.sql": "".join(
                f"create table {n} (id bigserial primary key, created_at timestamptz, "
                "updated_at timestamptz);\n"
                for n in ("orders", "order_items", "order_events", "order_item_notes", "items")
            )
        },
    ),
]


@pytest.mark.parametrize(("why", "files", "expected"), BAD, ids=[b[0] for b in BAD])
def test_small_near_copies_are_found(
    check, why: str, files: dict[str, str], expected: tuple[str, str]
) -> None:
    found = check("similar-tables", files)
    assert [(f.location.file, f.objects[0]) for f in found] == [(expected[0], f"public.{expected[1]}")], why
    assert "similar to" in found[0].message and "column mapping" in found[0].message


@pytest.mark.parametrize(("why", "files"), OK, ids=[o[0] for o in OK])
def test_neighbours_are_not_paired(check, why: str, files: dict[str, str]) -> None:
    assert check("similar-tables", files) == [], why


def test_the_mapping_of_a_small_pair_is_given(check) -> None:
    (f,) = check("similar-tables", {"1_a.sql": crowd() + MEMBERS, "2_b.sql": TEAM_MEMBERS})
    assert "members → team_members: id, team_id, user_id, role, created_at" in f.message
    assert f.objects == ("public.team_members", "public.members")


def test_names_related() -> None:
    assert names_related("members", "team_members") == "contains"
    assert names_related("memories", "memory") == "same"
    assert names_related("client", "clients") == "same"
    assert names_related("status", "statuses") is None  # "status" is not a plural; "statuse" is no word
    assert names_related("clients", "customers") is None
    assert names_related("t1", "t10") is None


def test_near_copy_ignores_generic_columns() -> None:
    cols = [
        ("id", "uuid"),
        ("created_at", "timestamp with time zone"),
        ("updated_at", "timestamp with time zone"),
    ]
    sim = table_similarity(cols, cols)
    assert sim.score == 1.0
    assert not near_copy(sim, "same")
    assert similar_pair(sim, "users", "user", large=False) is None


def test_related_name_pairs_is_linear_on_unrelated_names() -> None:
    names = [f"t{i}" for i in range(10_000)] + ["members", "team_members", "teams"]
    assert related_name_pairs(names) == {(10_000, 10_001), (10_001, 10_002)}  # teams ⊂ team_members


def test_one_distinctive_column_does_not_make_large_tables_twins() -> None:
    cols = [
        ("id", "bigint"),
        ("name", "text"),
        ("created_at", "timestamp with time zone"),
        ("updated_at", "timestamp with time zone"),
    ]
    sim = table_similarity(cols, cols)
    assert sim.score == 1.0
    assert similar_pair(sim, "tags", "categories") is None  # same bookkeeping, one shared `name`
    assert similar_pair(sim, "tag", "tags") == "near-copy"  # the same word: a twin
