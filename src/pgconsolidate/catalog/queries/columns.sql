-- Columns of tables, partitioned tables and foreign tables. The `_...` columns are not fields: they let
-- catalog/indexdef.py spell index definitions (quoted name, type unless a domain, collation: first, so
-- that the reader hands these values over as they come), tell the column (table oid, attnum), and carry
-- the column's privileges. `position` is the attnum (also the reader's attnum of the column: not sent
-- twice); the reader renumbers the columns of a table that has dropped some (a window function here cost a
-- fifth of the query).
SELECT n.nspname || '.' || c.relname || '.' || a.attname AS identity,
       n.nspname || '.' || c.relname AS "table",
       a.attnum::int AS position,  -- the reader makes it 1-based among live columns where some were dropped
       format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       -- a plain default cannot refer to columns: deparse it without opening the table (much cheaper)
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0)
            ELSE pg_get_expr(ad.adbin, ad.adrelid) END AS "default",
       CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity_kind,
       CASE a.attgenerated WHEN 's' THEN 'stored' WHEN 'v' THEN 'virtual' END AS generated,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
            (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                         ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
               FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
              WHERE co.oid = a.attcollation)
       END AS collation,
       -- probed per column only when some column has a comment (one look at pg_description's index, an
       -- InitPlan): a join read all of pg_description (PostgreSQL's own comments too) and hashed it, ~7 M
       -- server instructions on the bench schema, which has none
       CASE WHEN (SELECT EXISTS (SELECT FROM pg_description d
                                  WHERE d.objoid >= 16384 AND d.classoid = 'pg_class'::regclass AND d.objsubid > 0))
            THEN (SELECT d.description FROM pg_description d
                   WHERE d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum)
       END AS comment,
       -- SET STORAGE / SET COMPRESSION / SET STATISTICS, only where not the default (NULL: the default)
       CASE WHEN a.attstorage <> t.typstorage THEN
            CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main'
                              WHEN 'x' THEN 'extended' ELSE a.attstorage::text END
       END AS storage,
       CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' WHEN '' THEN NULL
            ELSE a.attcompression::text END AS compression,
       nullif(a.attstattarget, -1)::int AS statistics_target,  -- -1 until 16, NULL from 17: the default
       a.attfdwoptions AS foreign_options,  -- a foreign table column's options (sorted by the reader)
       quote_ident(a.attname) AS _quoted,
       CASE WHEN t.typtype = 'd' THEN 0 ELSE a.atttypid END AS _type_oid,
       a.attcollation AS _collation,
       a.attrelid AS _table_oid,
       a.attacl::text AS _acl  -- column privileges, when any
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'f')
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_class)s::oid[])
