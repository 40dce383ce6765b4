-- Installed extensions, their version and schema (always listed: they are what the schema depends on).
SELECT e.extname AS identity,
       e.extversion AS version,
       n.nspname AS schema,
       ds.description AS comment
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_description ds ON ds.objoid = e.oid AND ds.classoid = 'pg_extension'::regclass AND ds.objsubid = 0
WHERE e.extname <> 'plpgsql'
