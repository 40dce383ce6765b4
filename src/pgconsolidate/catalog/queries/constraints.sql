-- Table constraints (NOT NULL constraints, which PostgreSQL 18 also stores here, are columns' not_null).
--
-- pg_get_constraintdef is most of this query's cost; it is called only for constraints that are not
-- plain. A plain primary key, unique constraint or foreign key (not deferrable, validated, enforced, no
-- WITHOUT OVERLAPS / PERIOD, no INCLUDE or NULLS NOT DISTINCT, MATCH SIMPLE, no ON DELETE column list)
-- is spelled by catalog/constraintdef.py from the key columns' quoted names (the columns query) and the
-- `_...` columns below, which are not fields.
SELECT n.nspname || '.' || c.relname || '.' || k.conname AS identity,
       n.nspname || '.' || c.relname AS "table",
       CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key' WHEN 'u' THEN 'unique'
                      WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' WHEN 't' THEN 'trigger'
                      ELSE k.contype::text END AS contype,
       CASE WHEN NOT simple.ok THEN pg_get_constraintdef(k.oid, true) END AS definition,
       k.condeferrable AS deferrable,
       k.condeferred AS deferred,
       k.convalidated AS validated,
       -- probed per constraint only when some constraint has a comment (one look at pg_description's index,
       -- an InitPlan: most databases have none)
       CASE WHEN (SELECT EXISTS (SELECT FROM pg_description d
                                  WHERE d.objoid >= 16384 AND d.classoid = 'pg_constraint'::regclass))
            THEN (SELECT d.description FROM pg_description d
                   WHERE d.objoid = k.oid AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0)
       END AS comment,
       CASE WHEN simple.ok THEN k.contype::text END AS _spell,
       k.oid AS _oid,
       k.conrelid AS _table_oid,
       k.conkey AS _keys,
       k.confrelid AS _ref_table_oid,
       k.confkey AS _ref_keys,
       -- the referenced table as generate_relation_name spells it: quote_ident of its name, qualified
       -- unless visible in the search path (RelationIsVisible), which is what regclass's output is (a
       -- catalog cache lookup per foreign key; a subquery joining pg_class and pg_namespace cost 1.4 M
       -- server instructions more on the bench schema, a join read and hashed all of pg_class again)
       CASE WHEN simple.ok AND k.contype = 'f' THEN k.confrelid::regclass::text END AS _ref_name,
       k.confupdtype::text AS _on_update,
       k.confdeltype::text AS _on_delete
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL (
    SELECT k.contype IN ('p', 'u', 'f')
           AND NOT k.condeferrable AND NOT k.condeferred AND k.convalidated
           AND k.conenforced AND NOT k.conperiod
           AND CASE WHEN k.contype = 'f' THEN k.confmatchtype = 's' AND k.confdelsetcols IS NULL
                    -- a primary key or unique constraint: its index (looked up for these only)
                    ELSE (SELECT ci.indnatts = ci.indnkeyatts AND NOT ci.indnullsnotdistinct
                            FROM pg_index ci WHERE ci.indexrelid = k.conindid) END AS ok
    OFFSET 0  -- evaluated once per constraint, not once per use
) simple
WHERE k.contype <> 'n'
  -- a foreign key to a partitioned table has a clone per referenced partition on the same table, named
  -- by PostgreSQL in creation order (fk_1, fk_2, ...): implied by the parent key, renumbered by a restore
  AND NOT (k.contype = 'f' AND k.conparentid <> 0
           AND k.conrelid = (SELECT p.conrelid FROM pg_constraint p WHERE p.oid = k.conparentid))
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_class)s::oid[])
