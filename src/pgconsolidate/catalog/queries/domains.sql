-- Domains: base type, NOT NULL, default, collation and CHECK constraints.
SELECT n.nspname || '.' || t.typname AS identity,
       format_type(t.typbasetype, t.typtypmod) AS base_type,
       t.typnotnull AS not_null,
       t.typdefault AS "default",
       CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN
            (SELECT quote_ident(co.collname) FROM pg_collation co WHERE co.oid = t.typcollation)
       END AS collation,
       ARRAY(SELECT k.conname || ': ' || pg_get_constraintdef(k.oid, true)
               FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype <> 'n'
              ORDER BY k.conname) AS constraints,
       pg_get_userbyid(t.typowner) AS owner,
       ds.description AS comment,
       -- the privileges (catalog/acl.py turns them into grants; acldefault when never granted)
       coalesce(t.typacl, acldefault('T', t.typowner))::text AS _acl
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_description ds ON ds.objoid = t.oid AND ds.classoid = 'pg_type'::regclass AND ds.objsubid = 0
WHERE t.typtype = 'd'
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND t.oid <> ALL (%(ext_type)s::oid[])
