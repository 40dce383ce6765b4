-- sqlx: _sqlx_migrations, one row per applied (or failed: success false) migration, in version order;
-- checksum is the SHA-384 of the file's bytes.
SELECT version::text AS version, description, success, encode(checksum, 'hex') AS checksum
FROM {table}
ORDER BY version
