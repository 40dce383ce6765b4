-- What the in-place restore must clear, per schema: is it PostgreSQL's, does an extension live there.
SELECT n.nspname AS schema,
       EXISTS (SELECT 1 FROM pg_extension e WHERE e.extnamespace = n.oid) AS has_extension
FROM pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
ORDER BY 1
