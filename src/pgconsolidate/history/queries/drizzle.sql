-- drizzle-kit: __drizzle_migrations, one row per applied file (hash = SHA-256 of the file, created_at =
-- the journal's "when" of the file), in the order they were applied.
SELECT hash::text AS hash, created_at
FROM {table}
ORDER BY created_at, id
