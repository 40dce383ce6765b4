-- Operator class names by oid (index opclasses are mapped in Python: cheaper than a join per index).
SELECT op.oid,
       CASE WHEN pg_opclass_is_visible(op.oid) THEN op.opcname ELSE n.nspname || '.' || op.opcname END AS name
FROM pg_opclass op
JOIN pg_namespace n ON n.oid = op.opcnamespace
