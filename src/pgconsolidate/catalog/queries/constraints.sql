-- Table constraints (NOT NULL constraints, which PostgreSQL 18 also stores here, are columns' not_null).
SELECT n.nspname || '.' || c.relname || '.' || k.conname AS identity,
       n.nspname || '.' || c.relname AS "table",
       CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key' WHEN 'u' THEN 'unique'
                      WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' WHEN 't' THEN 'trigger'
                      ELSE k.contype::text END AS contype,
       pg_get_constraintdef(k.oid, true) AS definition,
       k.condeferrable AS deferrable,
       k.condeferred AS deferred,
       k.convalidated AS validated,
       (SELECT ds.description FROM pg_description ds WHERE ds.objoid = k.oid AND ds.classoid = 'pg_constraint'::regclass AND ds.objsubid = 0) AS comment
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype <> 'n'
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (%(include_ext)s OR c.oid NOT IN (
        SELECT d.objid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'))
