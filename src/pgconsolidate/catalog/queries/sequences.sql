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
       NULL::text AS comment,  -- given by the reader (relation_comments.sql)
       owner.refobjid AS _owner_table,
       owner.refobjsubid AS _owner_attnum,
       c.oid AS _oid,
       -- the privileges (catalog/acl.py turns them into grants; acldefault when never granted)
       coalesce(c.relacl, acldefault('s', c.relowner))::text AS _acl
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
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
