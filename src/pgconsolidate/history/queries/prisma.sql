-- Prisma: _prisma_migrations, one row per attempt; the latest attempt of each migration_name decides.
-- ok: finished and not marked rolled back (`prisma migrate resolve --rolled-back`).
SELECT DISTINCT ON (migration_name)
       migration_name::text AS migration_name, checksum::text AS checksum,
       (finished_at IS NOT NULL AND rolled_back_at IS NULL) AS ok
FROM {table}
ORDER BY migration_name, started_at DESC
