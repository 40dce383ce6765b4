-- Which of the kinds that most databases hold none of may hold some: the reader runs a kind's query only
-- when its column here is true. Each test is its query's WHERE clause without the conditions on temporary
-- schemas and (but for casts and operators) extension members, or a wider test read more cheaply (from
-- pg_depend or pg_range, said where): a superset, true whenever the query could return a row, so a false
-- here means the query would return nothing (tests/catalog/test_census.py, test_s7_h10_new_kinds.py). Planning and running the query of an empty kind costs a
-- fresh session most of a millisecond (the catalog's relation cache entry, statistics, the joins); these
-- tests cost a fraction of that. (Types' schemas are looked up per type found: a join let the planner scan
-- pg_type once per schema.)
-- triggers: the ordinary ones (no constraint) found through pg_trigger's tgconstraint index, not a scan of
-- every trigger (each foreign key has four internal ones: a fresh session read them all, ~1.1 M server
-- instructions on the bench schema); a non-internal trigger with a constraint is a constraint trigger
-- (CREATE CONSTRAINT TRIGGER, or its clone on a partition), whose constraint PostgreSQL makes depend on it:
-- told by pg_depend's reference index (a superset: the clones of any trigger on partitions count too)
-- (each trigger's schema by lookups of its own, not a join: cheaper to plan, -0.7 M)
SELECT EXISTS (SELECT FROM pg_trigger tg
                CROSS JOIN LATERAL (SELECT (SELECT n.nspname FROM pg_namespace n
                                             WHERE n.oid = (SELECT c.relnamespace FROM pg_class c
                                                             WHERE c.oid = tg.tgrelid)) AS nspname OFFSET 0) n
                WHERE tg.tgconstraint = 0 AND NOT tg.tgisinternal
                  AND (n.nspname <> ALL (%(skip_schemas)s::text[])
                       OR (pg_identify_object('pg_proc'::regclass, tg.tgfoid, 0)).schema <> n.nspname))
       OR EXISTS (SELECT FROM pg_depend d WHERE d.refclassid = 'pg_trigger'::regclass) AS triggers,
       -- each rule's relation and its schema looked up by oid (a join read pg_class whole through its index;
       -- two one-table lookups cost less to plan than a lateral join: -0.3 M server instructions)
       EXISTS (SELECT FROM pg_rewrite r
                WHERE r.ev_class >= 16384 AND r.rulename <> '_RETURN'
                  AND (SELECT n.nspname FROM pg_namespace n
                        WHERE n.oid = (SELECT c.relnamespace FROM pg_class c WHERE c.oid = r.ev_class))
                      <> ALL (%(skip_schemas)s::text[])) AS rules,
       EXISTS (SELECT FROM pg_event_trigger) AS event_triggers,
       -- this database's own settings (other databases' settings made this true on most servers)
       EXISTS (SELECT FROM pg_db_role_setting s
                WHERE s.setrole = 0
                  AND s.setdatabase = (SELECT db.oid FROM pg_database db WHERE db.datname = current_database()))
         AS settings,
       types.enums,
       types.domains,
       -- range types made in the database (PostgreSQL's own have oids below 16384): pg_range is small,
       -- a third scan of pg_type is not
       EXISTS (SELECT FROM pg_range r WHERE r.rngtypid >= 16384) AS ranges,
       -- a composite type has no storage: its relfilenode and reltablespace are 0, which
       -- pg_class_tblspc_relfilenode_index finds among few (views, mapped catalogs), not a scan of pg_class
       EXISTS (SELECT FROM pg_class c WHERE c.reltablespace = 0 AND c.relfilenode = 0 AND c.relkind = 'c')
         AS composites,
       EXISTS (SELECT FROM pg_publication) AS publications,
       EXISTS (SELECT FROM pg_statistic_ext) AS statistics,
       -- collations made after initdb (oid >= 16384: every collation of a schema read here), by a range of
       -- its index (a join scanned pg_collation once per schema)
       EXISTS (SELECT FROM pg_collation co
                WHERE co.oid >= 16384
                  AND (SELECT n.nspname FROM pg_namespace n WHERE n.oid = co.collnamespace)
                      <> ALL (%(skip_schemas)s::text[])) AS collations,
       -- casts made by extensions (pgvector makes a dozen) count only when extension objects are read,
       -- as in the casts query
       EXISTS (SELECT FROM pg_cast ca
                WHERE ca.oid >= 16384
                  AND (%(extension_objects)s::bool
                       OR NOT EXISTS (SELECT FROM pg_depend d
                                       WHERE d.classid = 'pg_cast'::regclass AND d.objid = ca.oid
                                         AND d.objsubid = 0 AND d.deptype = 'e'))) AS casts,
       -- text search configurations and dictionaries, operators and foreign servers made in the database
       -- each depend on their schema (or wrapper), which is never pinned where these kinds are read: their
       -- rows in pg_depend (opened for the casts above; its index) tell them without opening the catalogs
       EXISTS (SELECT FROM pg_depend d
                WHERE d.classid = 'pg_ts_config'::regclass AND d.objid >= 16384) AS text_search_configurations,
       EXISTS (SELECT FROM pg_depend d
                WHERE d.classid = 'pg_ts_dict'::regclass AND d.objid >= 16384) AS text_search_dictionaries,
       -- operators made by extensions (pgvector makes a few dozen) count only when extension objects are
       -- read, as in the operators query
       EXISTS (SELECT FROM pg_depend d
                WHERE d.classid = 'pg_operator'::regclass AND d.objid >= 16384
                  AND (%(extension_objects)s::bool
                       OR NOT EXISTS (SELECT FROM pg_depend e
                                       WHERE e.classid = 'pg_operator'::regclass AND e.objid = d.objid
                                         AND e.objsubid = 0 AND e.deptype = 'e'))) AS operators,
       -- a wrapper may depend on nothing (no handler, no validator, owned by the bootstrap superuser)
       EXISTS (SELECT FROM pg_foreign_data_wrapper) AS foreign_data_wrappers,
       EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_foreign_server'::regclass) AS foreign_servers,
       -- a schema left out that PostgreSQL does not own (a platform's: storage, auth): its tables' row level
       -- security and privileges are read (managed_tables.sql); pg_namespace holds a handful of rows
       EXISTS (SELECT FROM pg_namespace n
                WHERE n.nspname = ANY (%(skip_schemas)s::text[])
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')) AS managed_tables
-- enums and domains by one scan of pg_type (two EXISTS scanned it twice when neither exists); types'
-- schemas looked up per type found (a join let the planner scan pg_type once per schema)
FROM (SELECT coalesce(bool_or(t.typtype = 'e'), false) AS enums, coalesce(bool_or(t.typtype = 'd'), false) AS domains
        FROM pg_type t
       CROSS JOIN LATERAL (SELECT n.nspname FROM pg_namespace n WHERE n.oid = t.typnamespace OFFSET 0) n
       WHERE t.typtype IN ('e', 'd') AND n.nspname <> ALL (%(skip_schemas)s::text[])) types
