-- Triggers on tables and views (not the internal ones behind foreign keys).
SELECT n.nspname || '.' || c.relname || '.' || tg.tgname AS identity,
       n.nspname || '.' || c.relname AS "table",
       pg_get_triggerdef(tg.oid, true) AS definition,
       CASE tg.tgenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                         WHEN 'A' THEN 'always' ELSE tg.tgenabled::text END AS enabled,
       (SELECT ds.description FROM pg_description ds WHERE ds.objoid = tg.oid AND ds.classoid = 'pg_trigger'::regclass AND ds.objsubid = 0) AS comment
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT tg.tgisinternal
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (%(include_ext)s OR c.oid NOT IN (
        SELECT d.objid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'))
