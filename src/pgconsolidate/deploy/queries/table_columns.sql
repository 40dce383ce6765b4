-- Columns a row can be re-inserted with (no generated columns), and whether any is an identity ALWAYS.
SELECT a.attname, a.attidentity = 'a' AS identity_always
FROM pg_attribute a
WHERE a.attrelid = %(table)s::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
ORDER BY a.attnum
