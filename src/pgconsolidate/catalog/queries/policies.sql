-- Row-level security policies.
SELECT n.nspname || '.' || c.relname || '.' || pol.polname AS identity,
       n.nspname || '.' || c.relname AS "table",
       CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                       WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
       pol.polpermissive AS permissive,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END
               FROM unnest(pol.polroles) r ORDER BY 1) AS roles,
       pg_get_expr(pol.polqual, pol.polrelid) AS using,
       pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check,
       (SELECT ds.description FROM pg_description ds WHERE ds.objoid = pol.oid AND ds.classoid = 'pg_policy'::regclass AND ds.objsubid = 0) AS comment
FROM pg_policy pol
JOIN pg_class c ON c.oid = pol.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (%(include_ext)s OR c.oid NOT IN (
        SELECT d.objid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'))
