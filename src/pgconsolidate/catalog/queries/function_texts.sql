-- The server's own texts for functions catalog/functiondef.py could not spell (a safety net: the
-- functions query's former expressions).
SELECT p.oid,
       CASE WHEN p.prokind <> 'p' OR p.proallargtypes IS NULL THEN oidvectortypes(p.proargtypes)
       ELSE array_to_string(ARRAY(
         SELECT format_type(u.typ, NULL)
           FROM unnest(p.proallargtypes) WITH ORDINALITY AS u(typ, ord)
          WHERE p.proargmodes[u.ord] IN ('i', 'b', 'v')
          ORDER BY u.ord), ', ') END AS identity_args,
       pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS result
FROM pg_proc p
WHERE p.oid = ANY (%(oids)s::oid[])
