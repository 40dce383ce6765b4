-- The server's own definition and predicate of the indexes Python could not spell.
SELECT i.indexrelid, pg_get_indexdef(i.indexrelid), pg_get_expr(i.indpred, i.indrelid)
FROM pg_index i
WHERE i.indexrelid = ANY (%(oids)s::oid[])
