-- Where each named sequence ("schema.name", unquoted) stands: pg_sequence_last_value is NULL until the
-- first nextval/setval (is_called). Names that do not resolve are left out.
SELECT q.ident, pg_catalog.pg_sequence_last_value(c.oid) AS last_value
FROM unnest(%(names)s::text[]) AS q(ident)
JOIN pg_catalog.pg_class c
  ON c.oid = pg_catalog.to_regclass(
       pg_catalog.format('%%I.%%I', pg_catalog.split_part(q.ident, '.', 1),
                         pg_catalog.substr(q.ident, pg_catalog.strpos(q.ident, '.') + 1)))
WHERE c.relkind = 'S'
