-- Sequences, with the column that owns them (serial / identity columns): the query returns the owning
-- column's table oid and attnum, and the reader names it from the columns it read (the server where it
-- did not read that column), which saves three catalog lookups per sequence.
SELECT n.nspname || '.' || c.relname AS identity,
       format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS minimum,
       s.seqmax AS maximum,
       s.seqcache AS cache,
       s.seqcycle AS cycle,
       NULL::text AS owned_by,  -- named by the reader from the owning column (below)
       pg_get_userbyid(c.relowner) AS owner,
       ds.description AS comment,
       owner.refobjid AS _owner_table,
       owner.refobjsubid AS _owner_attnum,
       -- the privileges (catalog/acl.py turns them into grants; acldefault when never granted)
       coalesce(c.relacl, acldefault('s', c.relowner))::text AS _acl
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
-- comments probed per object: a hashed range of pg_description (objoid >= 16384) cost less on an analysed
-- catalog, but a catalog not analysed since its comments were made (a fresh replay) estimates that range at
-- one row, and the planner's nested loop over it then costs objects x comments
LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
LEFT JOIN LATERAL (
    SELECT d.refobjid, d.refobjsubid
      FROM pg_depend d
     WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
       AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
       AND d.deptype IN ('a', 'i')
     LIMIT 1
) owner ON true
WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_class)s::oid[])
