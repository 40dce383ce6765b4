-- Installed extensions, their version and schema (always listed: they are what the schema depends on).
SELECT e.extname AS identity,
       e.extversion AS version,
       n.nspname AS schema,
       obj_description(e.oid, 'pg_extension') AS comment
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY 1
