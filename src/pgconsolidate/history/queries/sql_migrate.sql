-- sql-migrate (rubenv): gorp_migrations, one row per applied file, keyed by the file's name (its id).
SELECT id, applied_at
FROM {table}
ORDER BY applied_at, id
