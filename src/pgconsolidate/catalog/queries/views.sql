-- Views and materialized views, found by their `_RETURN` rules (each has exactly one; pg_rewrite is small and
-- its index finds them), each looked up by oid: not a scan of every relation of pg_class (the subquery is
-- not pulled up, so the planner cannot choose that scan; the schema is looked up for the few found: a
-- join inside the subquery cost ~0.3 M server instructions more to plan in a fresh session).
SELECT c.nspname || '.' || c.relname AS identity,
       c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid, true) AS definition,
       coalesce(ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY o), '{}') AS options,
       pg_get_userbyid(c.relowner) AS owner,
       NULL::text AS comment,  -- given by the reader (relation_comments.sql)
       c.relispopulated AS populated,  -- false: a materialized view WITH NO DATA, never refreshed
       -- the privileges (catalog/acl.py turns them into grants; acldefault when never granted)
       c.oid AS _oid,
       coalesce(c.relacl, acldefault('r', c.relowner))::text AS _acl
FROM pg_rewrite r
CROSS JOIN LATERAL (
    SELECT c.oid, c.relname, c.relkind, c.reloptions, c.relowner, c.relacl, c.relispopulated,
           (SELECT n.nspname FROM pg_namespace n WHERE n.oid = c.relnamespace) AS nspname
      FROM pg_class c
     WHERE c.oid = r.ev_class
    OFFSET 0
) c
-- (relations made after initdb: oid >= 16384; PostgreSQL's own views, in schemas never read, are not looked up)
WHERE r.rulename = '_RETURN' AND r.ev_class >= 16384 AND c.relkind IN ('v', 'm')
  AND c.nspname <> ALL (%(skip_schemas)s::text[])
  AND c.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_class)s::oid[])
