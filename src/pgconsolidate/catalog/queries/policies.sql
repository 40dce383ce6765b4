-- Row-level security policies. Each policy's table is looked up by oid (the subquery is not pulled up, so
-- the planner cannot choose to read and hash every table of the database to match a few policies), its
-- schema by a lookup of its own (a join inside the subquery cost ~0.2 M server instructions more to plan).
SELECT c.nspname || '.' || c.relname || '.' || pol.polname AS identity,
       c.nspname || '.' || c.relname AS "table",
       CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                       WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
       pol.polpermissive AS permissive,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END
               FROM unnest(pol.polroles) r ORDER BY 1) AS roles,
       pg_get_expr(pol.polqual, pol.polrelid) AS using,
       pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check,
       ds.description AS comment
FROM pg_policy pol
CROSS JOIN LATERAL (
    SELECT c.oid, c.relname, (SELECT n.nspname FROM pg_namespace n WHERE n.oid = c.relnamespace) AS nspname
      FROM pg_class c
     WHERE c.oid = pol.polrelid
    OFFSET 0
) c
LEFT JOIN pg_description ds ON ds.objoid = pol.oid AND ds.classoid = 'pg_policy'::regclass AND ds.objsubid = 0
-- on the platform's tables too (storage.objects, auth.users, realtime.messages: schemas left out), but for
-- an extension's own (pg_cron's on cron.job): the platform makes none there, so they are the project's
WHERE (c.nspname <> ALL (%(skip_schemas)s::text[])
       OR NOT EXISTS (SELECT FROM pg_depend d
                       WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.objsubid = 0
                         AND d.deptype = 'e'))
  AND c.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_class)s::oid[])
