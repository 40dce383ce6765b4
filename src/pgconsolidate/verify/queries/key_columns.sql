-- The columns of each named table's ("schema.name", unquoted) primary key and unique indexes: the clean
-- set's reference rows keep their values (ON CONFLICT DO NOTHING needs them to make its second run a
-- no-op). Names that do not resolve are left out; expression columns of an index have no name.
SELECT q.ident, a.attname
FROM unnest(%(names)s::text[]) AS q(ident)
JOIN pg_catalog.pg_class c
  ON c.oid = pg_catalog.to_regclass(
       pg_catalog.format('%%I.%%I', pg_catalog.split_part(q.ident, '.', 1),
                         pg_catalog.substr(q.ident, pg_catalog.strpos(q.ident, '.') + 1)))
JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisunique
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum OPERATOR(pg_catalog.=) ANY (i.indkey)
ORDER BY 1, 2
