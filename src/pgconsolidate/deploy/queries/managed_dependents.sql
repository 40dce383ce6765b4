-- In schemas the restore leaves alone: policies (all), and the triggers and foreign keys that point
-- into the schemas it clears (those are dropped with them and must come back from the backup).
SELECT 'POLICY' AS kind, n.nspname AS schema, c.relname AS table_name, pol.polname AS name
FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(keep)s)
UNION ALL
SELECT 'TRIGGER', n.nspname, c.relname, t.tgname
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE NOT t.tgisinternal AND n.nspname = ANY(%(keep)s) AND pn.nspname = ANY(%(clear)s)
UNION ALL
SELECT 'FK CONSTRAINT', n.nspname, c.relname, con.conname
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.contype = 'f' AND n.nspname = ANY(%(keep)s) AND rn.nspname = ANY(%(clear)s)
