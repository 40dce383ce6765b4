-- Stand-alone composite types (CREATE TYPE x AS (...)), not the row types of tables.
SELECT n.nspname || '.' || t.typname AS identity,
       ARRAY(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
               FROM pg_attribute a
              WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
              ORDER BY a.attnum) AS members,
       pg_get_userbyid(t.typowner) AS owner,
       ds.description AS comment,
       -- the privileges (catalog/acl.py turns them into grants; acldefault when never granted)
       coalesce(t.typacl, acldefault('T', t.typowner))::text AS _acl
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid
LEFT JOIN pg_description ds ON ds.objoid = t.oid AND ds.classoid = 'pg_type'::regclass AND ds.objsubid = 0
WHERE t.typtype = 'c' AND c.relkind = 'c'
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND t.oid <> ALL (%(ext_type)s::oid[])
