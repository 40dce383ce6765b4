-- Operators created in the database (CREATE OPERATOR), not those of extensions unless asked (pgvector
-- makes a few dozen). identity: schema.name(left type, right type), NONE for a prefix operator's left;
-- the function by the shared identity convention; commutator and negator as operator identities.
SELECT n.nspname || '.' || o.oprname || '(' || CASE WHEN o.oprleft = 0 THEN 'NONE' ELSE format_type(o.oprleft, NULL) END
       || ', ' || format_type(o.oprright, NULL) || ')' AS identity,
       (SELECT pn.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')'
          FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace WHERE p.oid = o.oprcode) AS function,
       CASE WHEN o.oprresult <> 0 THEN format_type(o.oprresult, NULL) END AS result,
       (SELECT cn.nspname || '.' || co.oprname || '('
               || CASE WHEN co.oprleft = 0 THEN 'NONE' ELSE format_type(co.oprleft, NULL) END
               || ', ' || format_type(co.oprright, NULL) || ')'
          FROM pg_operator co JOIN pg_namespace cn ON cn.oid = co.oprnamespace WHERE co.oid = o.oprcom) AS commutator,
       (SELECT cn.nspname || '.' || co.oprname || '('
               || CASE WHEN co.oprleft = 0 THEN 'NONE' ELSE format_type(co.oprleft, NULL) END
               || ', ' || format_type(co.oprright, NULL) || ')'
          FROM pg_operator co JOIN pg_namespace cn ON cn.oid = co.oprnamespace WHERE co.oid = o.oprnegate) AS negator,
       CASE WHEN o.oprrest <> 0 THEN o.oprrest::regproc::text END AS restrict,
       CASE WHEN o.oprjoin <> 0 THEN o.oprjoin::regproc::text END AS "join",
       o.oprcanhash AS hashes,
       o.oprcanmerge AS merges,
       pg_get_userbyid(o.oprowner) AS owner,
       ds.description AS comment
FROM pg_operator o
JOIN pg_namespace n ON n.oid = o.oprnamespace
LEFT JOIN pg_description ds ON ds.objoid = o.oid AND ds.classoid = 'pg_operator'::regclass AND ds.objsubid = 0
WHERE o.oid >= 16384
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND o.oid <> ALL (%(ext_operator)s::oid[])
