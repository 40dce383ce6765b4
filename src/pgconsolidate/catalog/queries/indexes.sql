-- Indexes of tables and materialized views (including those behind constraints).
--
-- pg_get_indexdef opens the table (a relation cache entry per table in a fresh session) and costs most of
-- this query, so it is only called for indexes whose definition has more than a name, a method, key
-- columns and a predicate. For the others the query returns the definition's head in `_head` (as
-- pg_get_indexdef spells it: quote_ident names, `ONLY` for a partitioned index) and the keys, and
-- catalog/indexdef.py finishes it when every key is a plain column with its type's default opclass and
-- collation; any other index is passed back to pg_get_indexdef. The predicate of those indexes, which
-- pg_get_expr would also open the table for, is spelled by catalog/predicate.py from the node tree
-- (`_predicate_tree`) when it is made of columns, IS [NOT] NULL and AND / OR / NOT, else asked of the
-- server with the definition. Columns named `_...` are not fields; the opclass oids of the keys are
-- `opclasses` (the reader keeps them as read before naming them: not sent twice).
SELECT n.nspname || '.' || ic.relname AS identity,
       n.nspname || '.' || c.relname AS "table",
       CASE WHEN NOT simple.ok THEN pg_get_indexdef(i.indexrelid) END AS definition,
       am.amname AS method,
       i.indclass::oid[] AS opclasses,
       i.indisunique AS "unique",
       i.indisprimary AS "primary",
       CASE WHEN NOT simple.ok THEN pg_get_expr(i.indpred, i.indrelid) END AS predicate,
       i.indisvalid AS valid,
       NULL::text AS comment,  -- given by the reader (relation_comments.sql)
       i.indisclustered AS clustered,
       CASE WHEN simple.ok THEN
            'CREATE ' || CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END || 'INDEX ' || quote_ident(ic.relname)
            || ' ON ' || CASE WHEN ic.relkind = 'I' THEN 'ONLY ' ELSE '' END
            || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' USING ' || quote_ident(am.amname)
       END AS _head,
       i.indexrelid AS _oid,
       i.indrelid AS _table_oid,
       i.indkey::int2[] AS _keys,
       i.indcollation::oid[] AS _collations,
       CASE WHEN simple.ok THEN i.indpred::text END AS _predicate_tree
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
-- an index is always in its table's schema (PostgreSQL refuses to move one on its own): joined on the
-- table, the schemas left out are left out before each index is looked up (-1.9 M server instructions)
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
CROSS JOIN LATERAL (
    -- no expressions, no INCLUDE columns, no storage parameters, no DESC / NULLS FIRST, no
    -- NULLS NOT DISTINCT (opclass parameters are not looked for here, one probe of pg_attribute per index:
    -- catalog/indexdef.py leaves to the server every key whose opclass could carry some). A few column
    -- tests: pulled up by the planner (no subquery node per index), evaluated where used
    SELECT i.indexprs IS NULL AND i.indnatts = i.indnkeyatts AND ic.reloptions IS NULL
           AND 0 = ALL (i.indoption::int2[]) AND NOT i.indnullsnotdistinct AS ok
) simple
WHERE c.relkind IN ('r', 'p', 'm', 'f')
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_class)s::oid[])
