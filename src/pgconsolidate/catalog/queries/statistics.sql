-- Extended statistics objects (CREATE STATISTICS), with the table they are on.
SELECT n.nspname || '.' || s.stxname AS identity,
       tn.nspname || '.' || c.relname AS "table",
       pg_get_statisticsobjdef(s.oid) AS definition,
       nullif(s.stxstattarget, -1)::int AS target,
       pg_get_userbyid(s.stxowner) AS owner,
       ds.description AS comment
FROM pg_statistic_ext s
JOIN pg_namespace n ON n.oid = s.stxnamespace
JOIN pg_class c ON c.oid = s.stxrelid
JOIN pg_namespace tn ON tn.oid = c.relnamespace
LEFT JOIN pg_description ds ON ds.objoid = s.oid AND ds.classoid = 'pg_statistic_ext'::regclass AND ds.objsubid = 0
WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_class)s::oid[])
