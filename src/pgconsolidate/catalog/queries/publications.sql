-- Logical replication publications (Supabase Realtime uses supabase_realtime).
SELECT p.pubname AS identity,
       p.puballtables AS all_tables,
       ARRAY(SELECT op FROM (VALUES ('insert', p.pubinsert), ('update', p.pubupdate),
                                    ('delete', p.pubdelete), ('truncate', p.pubtruncate)) v(op, on_)
              WHERE on_ ORDER BY op) AS operations,
       ARRAY(SELECT pt.schemaname || '.' || pt.tablename FROM pg_publication_tables pt
              WHERE pt.pubname = p.pubname AND NOT p.puballtables ORDER BY 1) AS tables,
       pg_get_userbyid(p.pubowner) AS owner
FROM pg_publication p
