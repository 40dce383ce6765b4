-- Rewrite rules (CREATE RULE), not the _RETURN rules that implement views.
SELECT n.nspname || '.' || c.relname || '.' || r.rulename AS identity,
       n.nspname || '.' || c.relname AS "table",
       pg_get_ruledef(r.oid, true) AS definition,
       CASE r.ev_enabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                         WHEN 'A' THEN 'always' ELSE r.ev_enabled::text END AS enabled,
       ds.description AS comment
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description ds ON ds.objoid = r.oid AND ds.classoid = 'pg_rewrite'::regclass AND ds.objsubid = 0
WHERE r.rulename <> '_RETURN' AND r.ev_class >= 16384  -- relations made after initdb
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_class)s::oid[])
