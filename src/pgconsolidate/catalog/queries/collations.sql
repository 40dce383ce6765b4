-- Collations created in the database (CREATE COLLATION). The locale columns differ between versions
-- (colliculocale in 15-16, colllocale from 17), so the row is read as JSON and the locale is whichever
-- of them is set; collversion (the library's version) is not part of the schema and is not read.
SELECT n.nspname || '.' || co.collname AS identity,
       CASE co.collprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin'
                            WHEN 'd' THEN 'default' ELSE co.collprovider::text END AS provider,
       coalesce(j.row ->> 'colllocale', j.row ->> 'colliculocale', j.row ->> 'collcollate') AS locale,
       CASE WHEN co.collprovider = 'c' THEN j.row ->> 'collctype' END AS ctype,
       j.row ->> 'collicurules' AS rules,
       co.collisdeterministic AS deterministic,
       pg_get_userbyid(co.collowner) AS owner,
       ds.description AS comment
FROM pg_collation co
JOIN pg_namespace n ON n.oid = co.collnamespace
CROSS JOIN LATERAL (SELECT to_jsonb(co) AS row) j
LEFT JOIN pg_description ds ON ds.objoid = co.oid AND ds.classoid = 'pg_collation'::regclass AND ds.objsubid = 0
WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND co.oid <> ALL (%(ext_collation)s::oid[])
