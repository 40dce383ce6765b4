-- Installed extensions, their version and schema (always listed: they are what the schema depends on).
SELECT e.extname AS identity,
       e.extversion AS version,
       n.nspname AS schema,
       (SELECT ds.description FROM pg_description ds WHERE ds.objoid = e.oid AND ds.classoid = 'pg_extension'::regclass AND ds.objsubid = 0) AS comment
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
