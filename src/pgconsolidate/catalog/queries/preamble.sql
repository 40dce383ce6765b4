-- What the other queries need first, in one round trip: the extensions' schemas (the search_path that
-- makes format_type spell `vector(1536)`), the objects that belong to extensions by catalog (left out
-- unless asked: passed to the other queries as arrays, so that pg_depend is read once, through its
-- reference index, instead of once per query), and the size of the catalog (whether extra sessions pay).
SELECT ARRAY(SELECT DISTINCT n.nspname::text
               FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
              WHERE n.nspname NOT IN ('pg_catalog', 'public') ORDER BY 1) AS extension_schemas,
       (SELECT count(*) FROM pg_class) + (SELECT count(*) FROM pg_proc) AS catalog_size,
       coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_class'::regclass), '{}') AS ext_class,
       coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_type'::regclass), '{}') AS ext_type,
       coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_proc'::regclass), '{}') AS ext_proc,
       coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_namespace'::regclass), '{}') AS ext_namespace,
       coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_event_trigger'::regclass), '{}')
         AS ext_event_trigger
FROM pg_depend d
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
