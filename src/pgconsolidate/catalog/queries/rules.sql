-- Rewrite rules (CREATE RULE), not the _RETURN rules that implement views.
SELECT n.nspname || '.' || c.relname || '.' || r.rulename AS identity,
       n.nspname || '.' || c.relname AS "table",
       pg_get_ruledef(r.oid, true) AS definition,
       CASE r.ev_enabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                         WHEN 'A' THEN 'always' ELSE r.ev_enabled::text END AS enabled,
       (SELECT ds.description FROM pg_description ds WHERE ds.objoid = r.oid AND ds.classoid = 'pg_rewrite'::regclass AND ds.objsubid = 0) AS comment
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN'
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND (%(include_ext)s OR c.oid NOT IN (
        SELECT d.objid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'))
