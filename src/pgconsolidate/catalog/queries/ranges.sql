-- Range types (CREATE TYPE ... AS RANGE), not those of extensions unless asked; their privileges come
-- with the grants query. Names outside pg_catalog are qualified; the collation only where it is not the
-- subtype's default (as for columns); the canonical and subtype_diff functions by the shared identity
-- convention.
SELECT n.nspname || '.' || t.typname AS identity,
       format_type(r.rngsubtype, NULL) AS subtype,
       (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN oc.opcname ELSE cn.nspname || '.' || oc.opcname END
          FROM pg_opclass oc JOIN pg_namespace cn ON cn.oid = oc.opcnamespace WHERE oc.oid = r.rngsubopc)
         AS subtype_opclass,
       CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN
            (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                         ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
               FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
              WHERE co.oid = r.rngcollation)
       END AS collation,
       (SELECT pn.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')'
          FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace WHERE p.oid = r.rngcanonical) AS canonical,
       (SELECT pn.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')'
          FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace WHERE p.oid = r.rngsubdiff) AS subtype_diff,
       (SELECT mn.nspname || '.' || mt.typname FROM pg_type mt JOIN pg_namespace mn ON mn.oid = mt.typnamespace
         WHERE mt.oid = r.rngmultitypid) AS multirange,
       pg_get_userbyid(t.typowner) AS owner,
       ds.description AS comment
FROM pg_range r
JOIN pg_type t ON t.oid = r.rngtypid
JOIN pg_type st ON st.oid = r.rngsubtype
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_description ds ON ds.objoid = t.oid AND ds.classoid = 'pg_type'::regclass AND ds.objsubid = 0
WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND t.oid <> ALL (%(ext_type)s::oid[])
