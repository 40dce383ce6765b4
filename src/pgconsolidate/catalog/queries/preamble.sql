-- What the other queries need first, in one round trip:
-- * the search_path pg_catalog, public and the extensions' schemas (so that format_type spells
--   `vector(1536)`), set for the transaction and returned for the extra sessions;
-- * the objects that belong to extensions, by catalog (left out unless asked: passed to the other
--   queries as arrays, so that pg_depend is read once, through its reference index).
-- (The snapshot the extra sessions share is exported before this, by snapshot.sql; jit is already off for
-- the transaction: reader.JIT_OFF.)
WITH path AS (
    SELECT set_config('search_path', array_to_string(ARRAY['pg_catalog', 'public'] || ARRAY(
               SELECT quote_ident(s.nspname)
                 FROM (SELECT DISTINCT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                        WHERE n.nspname NOT IN ('pg_catalog', 'public')) s
                ORDER BY s.nspname), ', '), true) AS search_path
), members AS (
    SELECT coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_class'::regclass), '{}') AS ext_class,
           coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_type'::regclass), '{}') AS ext_type,
           coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_proc'::regclass), '{}') AS ext_proc,
           coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_namespace'::regclass), '{}')
             AS ext_namespace,
           coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_event_trigger'::regclass), '{}')
             AS ext_event_trigger,
           coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_collation'::regclass), '{}') AS ext_collation,
           coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_cast'::regclass), '{}') AS ext_cast,
           coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_ts_config'::regclass), '{}') AS ext_ts_config,
           coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_ts_dict'::regclass), '{}') AS ext_ts_dict,
           coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_operator'::regclass), '{}') AS ext_operator,
           coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_foreign_data_wrapper'::regclass), '{}')
             AS ext_fdw,
           coalesce(array_agg(d.objid) FILTER (WHERE d.classid = 'pg_foreign_server'::regclass), '{}') AS ext_server
    FROM pg_depend d
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
)
SELECT path.search_path, members.*
FROM path, members
