-- Row security policies the app put on tables of managed schemas (storage.objects ...): a dump of the
-- app's schemas leaves them out, the clean set must not. Roles as names ('public' for PUBLIC).
SELECT n.nspname AS schema,
       c.relname AS "table",
       pol.polname AS name,
       pol.polpermissive AS permissive,
       CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                       WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_catalog.quote_ident(a.rolname) END
             FROM pg_catalog.unnest(pol.polroles) AS r
             LEFT JOIN pg_catalog.pg_roles a ON a.oid = r
             ORDER BY 1) AS roles,
       pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) AS qual,
       pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check
FROM pg_catalog.pg_policy pol
JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (%(managed)s::text[])
ORDER BY 1, 2, 3
