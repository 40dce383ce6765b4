-- Views and materialized views.
SELECT n.nspname || '.' || c.relname AS identity,
       c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid, true) AS definition,
       coalesce(ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY o), '{}') AS options,
       pg_get_userbyid(c.relowner) AS owner,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (%(include_ext)s OR NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'))
ORDER BY 1
