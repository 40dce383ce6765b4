-- The extensions of the live database and their schemas (what a dump of it will CREATE EXTENSION).
SELECT e.extname, n.nspname
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
ORDER BY 1
