-- Operator classes by oid (index opclasses are mapped in Python: cheaper than a join per index): the name
-- as an index definition would qualify it, whether it is its method's default for its input type, and
-- that type (so that an index whose every key uses its column type's default opclass can be spelled in
-- Python without pg_get_indexdef; see catalog/indexdef.py).
SELECT op.oid,
       op.opcmethod AS method,
       -- (pg_catalog comes first in the search path: its opclasses are visible without asking, a lookup each)
       CASE WHEN n.nspname = 'pg_catalog' OR pg_opclass_is_visible(op.oid) THEN op.opcname
            ELSE n.nspname || '.' || op.opcname END AS name,
       op.opcdefault AS is_default,
       op.opcintype AS input_type,
       -- whether an index key with this opclass may carry opclass options (attoptions of the index's
       -- column, printed by pg_get_indexdef): only an opclass whose family has its method's options
       -- support function can (btree 5, hash 3, GiST 10, GIN 7, SP-GiST 7, BRIN 5; the core methods' fixed
       -- oids); any other method's opclass is assumed to, so its indexes are left to the server
       CASE WHEN op.opcmethod IN (403, 405, 783, 2742, 4000, 3580) THEN
            (op.opcfamily, CASE op.opcmethod WHEN 403 THEN 5 WHEN 405 THEN 3 WHEN 783 THEN 10
                                             WHEN 3580 THEN 5 ELSE 7 END::int2)
            IN (SELECT p.amprocfamily, p.amprocnum FROM pg_amproc p WHERE p.amprocnum IN (3, 5, 7, 10))
            ELSE true END AS options
FROM pg_opclass op
JOIN pg_namespace n ON n.oid = op.opcnamespace
