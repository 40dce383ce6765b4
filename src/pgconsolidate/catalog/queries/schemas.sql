-- Schemas (namespaces) that hold user objects.
SELECT n.nspname AS identity,
       pg_get_userbyid(n.nspowner) AS owner,
       ds.description AS comment,
       -- the privileges (catalog/acl.py turns them into grants; acldefault when never granted)
       coalesce(n.nspacl, acldefault('n', n.nspowner))::text AS _acl
FROM pg_namespace n
LEFT JOIN pg_description ds ON ds.objoid = n.oid AND ds.classoid = 'pg_namespace'::regclass AND ds.objsubid = 0
WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND n.oid <> ALL (%(ext_namespace)s::oid[])
