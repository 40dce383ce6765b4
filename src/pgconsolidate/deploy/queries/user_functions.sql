-- Functions and procedures the user owns: not PostgreSQL's, not an extension's, not in skipped schemas.
-- Run with search_path = pg_catalog, public and the extension schemas, so that argument types print as
-- the identity convention wants.
SELECT n.nspname AS schema, p.proname AS name,
       n.nspname || '.' || p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')' AS identity,
       ARRAY(SELECT pg_catalog.format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) AS t) AS argtypes,
       p.pronargdefaults AS defaults,
       p.prosecdef AS security_definer,
       p.prokind AS prokind
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname <> ALL(%(skip)s)
  AND n.nspname NOT LIKE 'pg\_%%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                  AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY 3
