-- The comments of relations (tables, sequences, indexes, views and materialized views) made after initdb
-- (oid >= FirstNormalObjectId, 16384: every relation of a schema read here), read once per session through
-- pg_description's index; the reader gives each relation its comment by oid. A join or a probe of
-- pg_description in each kind's query cost ~4-5 M server instructions per kind on the bench schema.
SELECT d.objoid, d.description
FROM pg_description d
WHERE d.objoid >= 16384 AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
