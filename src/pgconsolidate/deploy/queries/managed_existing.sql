-- Triggers and constraints that exist now in the schemas the restore leaves alone.
SELECT 'TRIGGER' AS kind, n.nspname AS schema, c.relname AS table_name, t.tgname AS name
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND n.nspname = ANY(%(keep)s)
UNION ALL
SELECT 'FK CONSTRAINT', n.nspname, c.relname, con.conname
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND n.nspname = ANY(%(keep)s)
UNION ALL
SELECT 'EXTENSION', '-', '', extname FROM pg_extension
UNION ALL
SELECT 'PUBLICATION', '-', '', pubname FROM pg_publication
UNION ALL
SELECT 'EVENT TRIGGER', '-', '', evtname FROM pg_event_trigger
