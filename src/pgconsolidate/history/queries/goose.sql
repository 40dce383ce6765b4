-- goose: goose_db_version, one row per up or down; the latest row of a version decides.
SELECT version_id::text AS version, is_applied
FROM {table}
ORDER BY id
