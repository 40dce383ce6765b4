-- Triggers the app put on tables of managed schemas (auth.users ...), calling functions outside them:
-- a dump of the app's schemas leaves them out, the clean set must not.
SELECT n.nspname || '.' || c.relname || '.' || tg.tgname AS identity,
       fn.nspname AS function_schema,
       tg.tgname AS name,
       n.nspname || '.' || c.relname AS "table",
       pg_get_triggerdef(tg.oid) AS definition
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = tg.tgfoid
JOIN pg_namespace fn ON fn.oid = p.pronamespace
WHERE NOT tg.tgisinternal
  AND n.nspname = ANY (%(managed)s::text[])
  AND fn.nspname <> ALL (%(managed)s::text[])
ORDER BY 1
