"""Which schemas belong to PostgreSQL or to the platform rather than to the project (pure constants,
shared by catalog reading, planning and deployment)."""

from __future__ import annotations

#: Schemas PostgreSQL itself owns: never read.
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")

#: Schemas Supabase (and its extensions) create and manage: left out unless asked.
MANAGED_SCHEMAS = (
    "auth",
    "storage",
    "realtime",
    "_realtime",
    "supabase_functions",
    "supabase_migrations",
    "extensions",
    "graphql",
    "graphql_public",
    "pgsodium",
    "pgsodium_masks",
    "vault",
    "net",
    "cron",
    "pgbouncer",
    "_analytics",
    "pgtle",
)
