-- Columns of a pgvector type with a fixed dimension, in the user's schemas.
SELECT n.nspname AS schema, c.relname AS table_name, a.attname AS column_name,
       t.typname AS type_name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS formatted,
       tn.nspname AS type_schema, a.atttypmod AS dims
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped AND a.atttypmod > 0
  AND t.typname IN ('vector', 'halfvec', 'sparsevec')
  AND c.relkind IN ('r', 'p', 'm')
  AND n.nspname <> ALL(%(skip)s)
ORDER BY 1, 2, 3
