-- Foreign data wrappers (CREATE FOREIGN DATA WRAPPER), not those of extensions unless asked
-- (postgres_fdw makes its own); identity: the name. Handler and validator by the shared function
-- identity convention; options sorted.
SELECT w.fdwname AS identity,
       (SELECT pn.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')'
          FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace WHERE p.oid = w.fdwhandler) AS handler,
       (SELECT pn.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')'
          FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace WHERE p.oid = w.fdwvalidator) AS validator,
       CASE WHEN w.fdwoptions IS NULL THEN '{}' ELSE ARRAY(SELECT o FROM unnest(w.fdwoptions) o ORDER BY o) END AS options,
       pg_get_userbyid(w.fdwowner) AS owner,
       ds.description AS comment,
       -- the privileges (catalog/acl.py turns them into grants; acldefault when never granted)
       coalesce(w.fdwacl, acldefault('F', w.fdwowner))::text AS _acl
FROM pg_foreign_data_wrapper w
LEFT JOIN pg_description ds ON ds.objoid = w.oid AND ds.classoid = 'pg_foreign_data_wrapper'::regclass
                           AND ds.objsubid = 0
WHERE w.oid <> ALL (%(ext_fdw)s::oid[])
