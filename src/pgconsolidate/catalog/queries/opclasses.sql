-- Operator classes by oid (index opclasses are mapped in Python: cheaper than a join per index): the name
-- as an index definition would qualify it, whether it is its method's default for its input type, and
-- that type (so that an index whose every key uses its column type's default opclass can be spelled in
-- Python without pg_get_indexdef; see catalog/indexdef.py).
SELECT op.oid,
       op.opcmethod AS method,
       CASE WHEN pg_opclass_is_visible(op.oid) THEN op.opcname ELSE n.nspname || '.' || op.opcname END AS name,
       op.opcdefault AS is_default,
       op.opcintype AS input_type
FROM pg_opclass op
JOIN pg_namespace n ON n.oid = op.opcnamespace
