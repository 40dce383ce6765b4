-- Views and materialized views.
SELECT n.nspname || '.' || c.relname AS identity,
       c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid, true) AS definition,
       coalesce(ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY o), '{}') AS options,
       pg_get_userbyid(c.relowner) AS owner,
       (SELECT ds.description FROM pg_description ds WHERE ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0) AS comment
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (%(include_ext)s OR c.oid NOT IN (
        SELECT d.objid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'))
