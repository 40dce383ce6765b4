-- The types an index key's default operator class is chosen among (what GetDefaultOpClass looks at, so
-- that catalog/indexdef.py can tell whether pg_get_indexdef would print an opclass): category, preferred,
-- kind, array or not, the pseudo-type's name, and the types it is binary-coercible to by an implicit
-- cast. Row types of tables and arrays of them are left out (an index key of such a type is spelled by
-- the server).
SELECT t.oid,
       t.typcategory::text AS category,
       t.typispreferred AS preferred,
       t.typtype::text AS typtype,
       (t.typelem <> 0 AND t.typsubscript = 'array_subscript_handler'::regproc) AS is_array,
       CASE WHEN t.typtype = 'p' THEN t.typname::text END AS pseudo,
       coalesce(ca.targets, '{}') AS binary_targets
FROM pg_type t
LEFT JOIN pg_type e ON e.oid = t.typelem
LEFT JOIN (SELECT castsource, array_agg(casttarget) AS targets FROM pg_cast
            WHERE castmethod = 'b' AND castcontext = 'i' GROUP BY castsource) ca ON ca.castsource = t.oid
WHERE t.typrelid = 0 AND coalesce(e.typrelid, 0) = 0
