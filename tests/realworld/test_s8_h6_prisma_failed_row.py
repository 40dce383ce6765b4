"""cal.com (Prisma) production with a failed migration whose directory is gone (`finished_at` and
`rolled_back_at` NULL: `prisma migrate deploy` stops with P3009). history_repair.sql marked only the
replaced migrations rolled back, so after `apply` Prisma still refused to deploy, while apply's note said
the repair handled it. Now every failed attempt is marked rolled back as well (the clean set was proven
against the schema as that attempt left it)."""

from __future__ import annotations

import psycopg

from pgconsolidate.generate.history import generate_history_repair

_TABLE = (
    'CREATE TABLE "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT '
    'NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" '
    'TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL '
    "DEFAULT 0)"
)


def test_failed_attempts_are_rolled_back(scratch_db: str) -> None:
    text = "CREATE TABLE t (id int);\n"
    repair = generate_history_repair(
        "public._prisma_migrations",
        [("20260101000000", "initial_schema")],
        ["20210605225044", "20210615140247"],
        tool="prisma",
        scripts={"20260101000000": ("20260101000000_initial_schema/migration.sql", text)},
        replaced_files=["20210605225044_init/migration.sql", "20210615140247_calendar/migration.sql"],
    )
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(_TABLE)
        rows = [
            ("a", "20210605225044_init", "now()"),
            ("b", "20210615140247_calendar", "now()"),
            ("c", "20210720000000_add_booking_references", None),  # failed, no directory any more
        ]
        for rid, name, finished in rows:
            conn.execute(
                "INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at) "
                "VALUES (%s, repeat('a', 64), %s, " + ("now()" if finished else "NULL") + ")",
                (rid, name),
            )
        conn.execute(repair)
        conn.execute(repair)  # idempotent
        got = conn.execute(
            "SELECT migration_name, finished_at IS NOT NULL, rolled_back_at IS NOT NULL "
            "FROM _prisma_migrations ORDER BY migration_name"
        ).fetchall()
    # session 8 (H9): rows without a clean-set directory are deleted, not marked rolled back: prisma migrate
    # status lists any row without a directory (rolled back or not) as missing locally
    assert got == [("20260101000000_initial_schema", True, False)]
