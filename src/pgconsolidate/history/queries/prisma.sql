-- Prisma: _prisma_migrations, one row per attempt; the latest attempt of each migration_name decides.
-- A row marked rolled back (`prisma migrate resolve --rolled-back`, or a consolidation's history repair)
-- is ignored, as `prisma migrate deploy` and `status` ignore it; ok: finished.
SELECT DISTINCT ON (migration_name)
       migration_name::text AS migration_name, checksum::text AS checksum,
       (finished_at IS NOT NULL) AS ok
FROM {table}
WHERE rolled_back_at IS NULL
ORDER BY migration_name, started_at DESC
