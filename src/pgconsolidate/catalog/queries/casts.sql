-- Casts created in the database (CREATE CAST), not PostgreSQL's own (oid below FirstNormalObjectId).
-- identity: "source AS target" as format_type spells them; the function by the shared identity
-- convention, schema.name(argtypes).
SELECT format_type(ca.castsource, NULL) || ' AS ' || format_type(ca.casttarget, NULL) AS identity,
       CASE WHEN ca.castfunc <> 0 THEN
            (SELECT n.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')'
               FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = ca.castfunc)
       END AS function,
       CASE ca.castcontext WHEN 'e' THEN 'explicit' WHEN 'a' THEN 'assignment' WHEN 'i' THEN 'implicit'
                           ELSE ca.castcontext::text END AS context,
       CASE ca.castmethod WHEN 'f' THEN 'function' WHEN 'i' THEN 'inout' WHEN 'b' THEN 'binary'
                          ELSE ca.castmethod::text END AS method,
       ds.description AS comment
FROM pg_cast ca
LEFT JOIN pg_description ds ON ds.objoid = ca.oid AND ds.classoid = 'pg_cast'::regclass AND ds.objsubid = 0
WHERE ca.oid >= 16384
  AND ca.oid <> ALL (%(ext_cast)s::oid[])
