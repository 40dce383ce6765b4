"""Fresh-eyes QA regressions for the deploy checks (found on a Supabase project with a partitioned
table whose key is ``bigint GENERATED ALWAYS AS IDENTITY``)."""

from __future__ import annotations

from pgconsolidate.db.connect import connection
from pgconsolidate.deploy.checks import PASS, check_crud


def test_crud_works_on_identity_always_tables(scratch_db: str) -> None:
    """The CRUD check updated the first column to itself; an identity ALWAYS column can only be updated
    to DEFAULT, so every such table (and each partition of one) was reported as failing."""
    ddl = (
        "CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY, at date NOT NULL, PRIMARY KEY (id, at))"
        " PARTITION BY RANGE (at);"
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
        "INSERT INTO events (at) VALUES ('2024-05-01');"
        "CREATE TABLE counters (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);"
        "INSERT INTO counters DEFAULT VALUES;"
    )
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(ddl.encode())
    with connection(scratch_db) as conn:
        result = check_crud(conn)
        conn.rollback()
    assert result.status == PASS, result
    assert "2 table(s)" in result.summary
