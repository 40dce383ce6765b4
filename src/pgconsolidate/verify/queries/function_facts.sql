-- Every function outside the system and managed schemas: identity (same convention as the catalog),
-- full definition, SECURITY DEFINER, proconfig, and the tables whose triggers call it (auth.users too).
SELECT n.nspname || '.' || p.proname || '(' ||
       array_to_string(ARRAY(
         SELECT format_type(u.typ, NULL)
           FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]))
                WITH ORDINALITY AS u(typ, ord)
          WHERE p.proargmodes IS NULL OR p.proargmodes[u.ord] IN ('i', 'b', 'v')
          ORDER BY u.ord), ', ') || ')' AS identity,
       CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) ELSE '' END AS definition,
       p.prosecdef AS security_definer,
       coalesce(p.proconfig, '{}') AS config,
       ARRAY(SELECT DISTINCT tn.nspname || '.' || tc.relname
               FROM pg_trigger tg
               JOIN pg_class tc ON tc.oid = tg.tgrelid
               JOIN pg_namespace tn ON tn.oid = tc.relnamespace
              WHERE tg.tgfoid = p.oid AND NOT tg.tgisinternal
              ORDER BY 1) AS trigger_tables
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                   WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1
