-- Flyway: flyway_schema_history, one row per attempt, in installed_rank order.
SELECT installed_rank, version, description, type, script, checksum, success
FROM {table}
ORDER BY installed_rank
