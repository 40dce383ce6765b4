-- Schemas (namespaces) that hold user objects.
SELECT n.nspname AS identity,
       pg_get_userbyid(n.nspowner) AS owner,
       (SELECT ds.description FROM pg_description ds WHERE ds.objoid = n.oid AND ds.classoid = 'pg_namespace'::regclass AND ds.objsubid = 0) AS comment
FROM pg_namespace n
WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (%(include_ext)s OR n.oid NOT IN (
        SELECT d.objid FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.deptype = 'e'))
