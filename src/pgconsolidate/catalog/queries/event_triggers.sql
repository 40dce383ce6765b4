-- Event triggers (database-wide; left out when they belong to an extension or a managed schema's function).
SELECT e.evtname AS identity,
       e.evtevent AS event,
       fn.nspname || '.' || p.proname || '()' AS function,
       CASE e.evtenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                         WHEN 'A' THEN 'always' ELSE e.evtenabled::text END AS enabled,
       coalesce(ARRAY(SELECT t FROM unnest(e.evttags) t ORDER BY t), '{}') AS tags,
       pg_get_userbyid(e.evtowner) AS owner,
       ds.description AS comment
FROM pg_event_trigger e
JOIN pg_proc p ON p.oid = e.evtfoid
JOIN pg_namespace fn ON fn.oid = p.pronamespace
LEFT JOIN pg_description ds ON ds.objoid = e.oid AND ds.classoid = 'pg_event_trigger'::regclass AND ds.objsubid = 0
WHERE fn.nspname <> ALL (%(skip_schemas)s::text[])
  AND e.oid <> ALL (%(ext_event_trigger)s::oid[])
