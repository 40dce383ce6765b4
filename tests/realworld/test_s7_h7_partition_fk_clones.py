"""A foreign key to a partitioned table (Flyway project ozon-route: comment -> post, partitioned by
timestamp) has one clone per referenced partition on the referencing table, named by PostgreSQL in
creation order (fk_post_1, fk_post_2, ...). A pg_dump restore, or a partition detached and attached again,
renumbers them: `consolidate --database-url` failed "NOT verified" on a copy of such a database ("live
copy: not copied: ~ constraint public.comment.fk_post_3: ... REFERENCES post_2021 → ... post_2022"). The
clones are implied by the parent key and are not read; the parent key still is, with every change."""

from __future__ import annotations

import psycopg
import pytest

from pgconsolidate.cli import run
from pgconsolidate.scratch import ScratchServer, throwaway_database

_SCHEMA = """
CREATE TABLE post (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE post_2020 PARTITION OF post FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE post_2021 PARTITION OF post FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
CREATE TABLE post_2022 PARTITION OF post FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
CREATE TABLE comment (id int PRIMARY KEY, post_id int, at date,
  CONSTRAINT fk_post FOREIGN KEY (post_id, at) REFERENCES post (id, at) ON DELETE CASCADE);
"""


def _clones(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT conname, confrelid::regclass::text FROM pg_constraint "
            "WHERE conrelid = 'comment'::regclass AND conparentid <> 0 ORDER BY conname"
        ).fetchall()
    return [(r[0], r[1]) for r in rows]


@pytest.fixture
def second_db(scratch_server: ScratchServer):
    with throwaway_database(scratch_server) as url:
        yield url


def test_renumbered_clones_compare_equal(scratch_db: str, second_db: str, capsys) -> None:
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(_SCHEMA)
    # the same schema, the partitions made after the key and in another order
    parts = [s for s in _SCHEMA.strip().splitlines() if "PARTITION OF" in s]
    rest = [s for s in _SCHEMA.strip().splitlines() if "PARTITION OF" not in s]
    with psycopg.connect(second_db, autocommit=True) as conn:
        conn.execute("\n".join(rest))
        conn.execute("\n".join(reversed(parts)))
    assert _clones(scratch_db) != _clones(second_db)  # the same schema, clones numbered otherwise
    capsys.readouterr()
    assert run(["compare", scratch_db, second_db]) == 0, capsys.readouterr()
    # the parent key is compared: a changed action is a difference
    with psycopg.connect(second_db, autocommit=True) as conn:
        conn.execute("ALTER TABLE comment DROP CONSTRAINT fk_post")
        conn.execute(
            "ALTER TABLE comment ADD CONSTRAINT fk_post FOREIGN KEY (post_id, at) REFERENCES post (id, at)"
        )
    capsys.readouterr()
    assert run(["compare", scratch_db, second_db]) == 1
    out = capsys.readouterr().out
    assert "constraint public.comment.fk_post:" in out and "ON DELETE CASCADE" in out
    assert "fk_post_" not in out
