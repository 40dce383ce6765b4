-- Indexes of tables and materialized views (including those behind constraints).
SELECT n.nspname || '.' || ic.relname AS identity,
       n.nspname || '.' || c.relname AS "table",
       pg_get_indexdef(i.indexrelid) AS definition,
       am.amname AS method,
       i.indclass::oid[] AS opclasses,
       i.indisunique AS "unique",
       i.indisprimary AS "primary",
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       i.indisvalid AS valid,
       ds.description AS comment
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_description ds ON ds.objoid = ic.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'm', 'f')
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_class)s::oid[])
