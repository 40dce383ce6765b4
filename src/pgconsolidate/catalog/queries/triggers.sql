-- Triggers on tables and views (not the internal ones behind foreign keys).
SELECT n.nspname || '.' || c.relname || '.' || tg.tgname AS identity,
       n.nspname || '.' || c.relname AS "table",
       pg_get_triggerdef(tg.oid, true) AS definition,
       CASE tg.tgenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                         WHEN 'A' THEN 'always' ELSE tg.tgenabled::text END AS enabled,
       ds.description AS comment
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description ds ON ds.objoid = tg.oid AND ds.classoid = 'pg_trigger'::regclass AND ds.objsubid = 0
WHERE NOT tg.tgisinternal
  -- and on the platform's tables (auth.users, storage.objects: schemas left out), the project's: those whose
  -- function is outside the table's schema (the platform's own call their schema's: storage.* on
  -- storage.objects, realtime.* on realtime.subscription; a project's calls its own, or another platform
  -- schema's: a Database Webhook on auth.users calls supabase_functions.http_request)
  AND (n.nspname <> ALL (%(skip_schemas)s::text[])
       OR (pg_identify_object('pg_proc'::regclass, tg.tgfoid, 0)).schema <> n.nspname)
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_class)s::oid[])
