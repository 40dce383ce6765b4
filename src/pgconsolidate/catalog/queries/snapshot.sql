-- The first statement of a read that may use extra sessions: a snapshot exported for them to import
-- (pg_export_snapshot, as pg_dump --jobs does) when the catalog is large, else NULL. The catalog's size
-- is the bytes of pg_class and pg_proc on disk (no scan: counting their rows cost a fresh session about
-- 2 ms, on the critical path of every read), compared with %(parallel_from)s; space left by deleted rows
-- counts too, which at worst makes a small catalog be read by three sessions (same result). Sent before
-- the preamble, so that the extra sessions import the snapshot while this one runs the preamble.
SELECT CASE WHEN pg_catalog.pg_relation_size('pg_catalog.pg_class'::pg_catalog.regclass)
                 + pg_catalog.pg_relation_size('pg_catalog.pg_proc'::pg_catalog.regclass) >= %(parallel_from)s
            THEN pg_catalog.pg_export_snapshot() END AS snapshot
