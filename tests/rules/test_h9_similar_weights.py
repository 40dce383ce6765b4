"""similar-tables weighs columns by how rare they are in the project: columns most tables share
(``id``, ``created_at``, ``user_id``...) do not make two tables twins, distinctive ones do."""

from __future__ import annotations

import pytest

from pgconsolidate.rules.similarity import (
    DISTINCTIVE_WEIGHT,
    GENERIC_WEIGHT,
    column_weights,
    similar_pair,
    table_similarity,
)

from .helpers import EXAMPLE_MIGRATIONS


def neighbours(n: int = 6) -> str:
    """``n`` tables of a multi-user app: each with the usual bookkeeping and a ``user_id``."""
    return "".join(
        f"create table thing{i} (id uuid primary key, user_id uuid, label{i} text, "
        "created_at timestamptz, updated_at timestamptz);\n"
        for i in range(n)
    )


POSTS = (
    "create table users (id uuid primary key, email text, created_at timestamptz);\n"
    "create table posts (id uuid primary key, body text, user_id uuid references users, "
    "created_at timestamptz);\n"
)
COMMENTS = (
    "create table comments (id uuid primary key, body text, user_id uuid references users, "
    "post_id uuid references posts, created_at timestamptz);\n"
)
# a raw series and its daily roll-up (lifemetrics-goose): metric_type/value/unit alike, the time
# column renamed and retyped (timestamp → date), names unrelated
SERIES = (
    "create table users (id uuid primary key, email text, created_at timestamptz, updated_at timestamptz);\n"
    "create table integrations (id uuid primary key, user_id uuid, provider text, created_at timestamptz, "
    "updated_at timestamptz, deleted_on timestamptz);\n"
    "create table sleep_sessions (id uuid primary key, user_id uuid, integration_id uuid, "
    "start_timestamp timestamptz, created_at timestamptz, updated_at timestamptz);\n"
    "create table time_series_metrics (id uuid primary key, user_id uuid, metric_type varchar(50), "
    "value real, unit varchar(50), event_timestamp timestamp, integration_id uuid, sleep_id uuid, "
    "created_at timestamptz, updated_at timestamptz);\n"
)
DAILY = (
    "create table integration_daily_metrics (id uuid primary key, integration_id uuid, "
    "metric_type varchar(50), value real, unit varchar(50), event_date date, created_at timestamptz, "
    "updated_at timestamptz);\n"
)

OK = [
    ("posts and comments: body and user_id only", {"1_a.sql": POSTS, "2_b.sql": COMMENTS}),
    (
        "likes and comments: foreign keys and bookkeeping only",
        {
            "1_a.sql": POSTS + COMMENTS.replace("body text, ", ""),
            "2_b.sql": "create table likes (id uuid primary key, user_id uuid references users, "
            "post_id uuid references posts, created_at timestamptz);\n",
        },
    ),
    (
        "sessions of two features sharing title and the usual columns",
        {
            "1_a.sql": neighbours()
            + "create table chat_sessions (id uuid primary key, created_at timestamptz, title text, "
            "user_id uuid);\n",
            "2_b.sql": "create table data_explorer_sessions (id uuid primary key, user_id uuid, "
            "connection_id uuid, title text, created_at timestamptz);\n",
        },
    ),
    ("a series and its daily roll-up", {"1_a.sql": SERIES, "2_b.sql": DAILY}),
]

BAD = [
    (
        "a renamed copy among tables that all carry the bookkeeping",
        {
            "1_a.sql": neighbours()
            + "create table orders (id uuid primary key, user_id uuid, sku text, quantity int, "
            "unit_price numeric, shipped_on date, created_at timestamptz);\n",
            "2_b.sql": "create table old_orders (id uuid primary key, user_id uuid, sku text, quantity int, "
            "unit_price numeric, shipped_on date, created_at timestamptz, note text);\n",
        },
        ("2_b.sql", "public.old_orders"),
    ),
    (
        "unrelated names, many distinctive columns alike (a dead-letter copy)",
        {
            "1_a.sql": neighbours()
            + "create table events (id uuid primary key, event_id uuid, correlation_id uuid, topic text, "
            "payload jsonb, retry_count int, scheduled_for timestamptz);\n",
            "2_b.sql": "create table message_hospital (id uuid primary key, event_id uuid, "
            "correlation_id uuid, topic text, payload jsonb, retry_count int);\n",
        },
        ("2_b.sql", "public.message_hospital"),
    ),
]


@pytest.mark.parametrize(("why", "files"), OK, ids=[o[0] for o in OK])
def test_neighbours_are_not_twins(check, why: str, files: dict[str, str]) -> None:
    assert check("similar-tables", files) == [], why


@pytest.mark.parametrize(("why", "files", "expected"), BAD, ids=[b[0] for b in BAD])
def test_twins_among_boilerplate_are_found(
    check, why: str, files: dict[str, str], expected: tuple[str, str]
) -> None:
    found = check("similar-tables", files)
    assert [(f.location.file, f.objects[0]) for f in found] == [expected], why


def test_example_twins_keep_their_mapping(check) -> None:
    files = {p.name: p.read_text() for p in sorted(EXAMPLE_MIGRATIONS.glob("*.sql"))}
    found = check("similar-tables", files)
    pairs = {tuple(f.objects) for f in found}
    assert ("public.memories", "public.ai_memories") in pairs
    (hit,) = [f for f in found if f.objects[0] == "public.memories"]
    assert "memory_kind→memory_type" in hit.message
    assert "importance_score→importance" in hit.message


def test_column_weights_follow_rarity() -> None:
    tables = [["id", "user_id", f"c{i}", "created_at"] for i in range(8)] + [["id", "rare", "user_id"]] * 2
    w = column_weights(tables)
    assert w["rare"] == 1.0  # only two tables: fully distinctive
    assert w["c3"] == 1.0
    assert w["user_id"] < DISTINCTIVE_WEIGHT  # every table has it
    assert w["id"] <= GENERIC_WEIGHT and w["created_at"] <= GENERIC_WEIGHT
    # two tables only: nothing can be told from the schema, the names' prior stays
    w2 = column_weights([["id", "a", "b"], ["id", "a", "c"]])
    assert w2["a"] == 1.0 and w2["id"] == GENERIC_WEIGHT


def test_boilerplate_does_not_make_a_pair() -> None:
    tables = [["id", "user_id", "post_id", f"x{i}", "created_at"] for i in range(10)]
    w = column_weights(tables)
    left = [("id", "uuid"), ("user_id", "uuid"), ("post_id", "uuid"), ("created_at", "timestamptz")]
    right = [*left, ("content", "text")]
    plain = table_similarity(left, right)
    weighted = table_similarity(left, right, weights=w)
    assert weighted.score < plain.score
    assert similar_pair(plain, "likes", "comments") == "similar"  # without the project's weights
    assert similar_pair(weighted, "likes", "comments", weights=w) is None
