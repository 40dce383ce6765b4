-- Qualified names of columns the reader did not read (the owners of sequences in skipped schemas).
SELECT k.relid, k.attnum, n.nspname || '.' || c.relname || '.' || a.attname
FROM unnest(%(relids)s::oid[], %(attnums)s::int2[]) AS k(relid, attnum)
JOIN pg_class c ON c.oid = k.relid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = k.relid AND a.attnum = k.attnum
