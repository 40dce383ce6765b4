-- Event triggers (database-wide; left out when they belong to an extension or a managed schema's function).
SELECT e.evtname AS identity,
       e.evtevent AS event,
       fn.nspname || '.' || p.proname || '()' AS function,
       CASE e.evtenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'
                         WHEN 'A' THEN 'always' ELSE e.evtenabled::text END AS enabled,
       coalesce(ARRAY(SELECT t FROM unnest(e.evttags) t ORDER BY t), '{}') AS tags,
       pg_get_userbyid(e.evtowner) AS owner,
       (SELECT ds.description FROM pg_description ds WHERE ds.objoid = e.oid AND ds.classoid = 'pg_event_trigger'::regclass AND ds.objsubid = 0) AS comment
FROM pg_event_trigger e
JOIN pg_proc p ON p.oid = e.evtfoid
JOIN pg_namespace fn ON fn.oid = p.pronamespace
WHERE fn.nspname <> ALL (%(skip_schemas)s::text[])
  AND (%(include_ext)s OR e.oid NOT IN (
        SELECT d.objid FROM pg_depend d WHERE d.classid = 'pg_event_trigger'::regclass AND d.deptype = 'e'))
