-- Ordinary and partitioned tables outside the system and managed schemas, with their vector columns.
SELECT n.nspname AS schema, c.relname AS name,
       ARRAY(SELECT a.attname FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                AND format_type(a.atttypid, NULL) IN ('vector', 'halfvec')
              ORDER BY a.attnum) AS vector_columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                   WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
