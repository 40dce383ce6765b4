-- Candidate migration history tables: each with its schema, name and column names. Flyway's (under any
-- flyway.table name) and a renamed sqlx table are recognised by their columns: both have execution_time.
SELECT n.nspname AS schema, c.relname AS name,
       ARRAY(SELECT a.attname::text FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v')
  AND (c.relname IN ('schema_migrations', 'flyway_schema_history', 'goose_db_version', '_prisma_migrations',
                     '__drizzle_migrations', '__diesel_schema_migrations', '_sqlx_migrations',
                     'gorp_migrations', 'schema_version')
       OR EXISTS (SELECT FROM pg_attribute e
                  WHERE e.attrelid = c.oid AND e.attname = 'execution_time' AND e.attnum > 0
                    AND NOT e.attisdropped))
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY n.nspname = 'supabase_migrations' DESC, n.nspname, c.relname
