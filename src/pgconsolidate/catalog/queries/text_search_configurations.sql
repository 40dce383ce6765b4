-- Text search configurations created in the database (CREATE TEXT SEARCH CONFIGURATION), not those of
-- extensions unless asked. mappings: "token type: dictionary, dictionary" per token type mapped, sorted
-- by token type (the dictionaries in the order they are tried). Names outside pg_catalog are qualified.
SELECT n.nspname || '.' || c.cfgname AS identity,
       (SELECT CASE WHEN pn.nspname = 'pg_catalog' THEN p.prsname ELSE pn.nspname || '.' || p.prsname END
          FROM pg_ts_parser p JOIN pg_namespace pn ON pn.oid = p.prsnamespace WHERE p.oid = c.cfgparser) AS parser,
       ARRAY(SELECT tt.alias || ': ' || string_agg(
                        CASE WHEN dn.nspname = 'pg_catalog' THEN d.dictname ELSE dn.nspname || '.' || d.dictname END,
                        ', ' ORDER BY m.mapseqno)
               FROM pg_ts_config_map m
               JOIN ts_token_type(c.cfgparser) tt ON tt.tokid = m.maptokentype
               JOIN pg_ts_dict d ON d.oid = m.mapdict
               JOIN pg_namespace dn ON dn.oid = d.dictnamespace
              WHERE m.mapcfg = c.oid
              GROUP BY tt.alias
              ORDER BY tt.alias) AS mappings,
       pg_get_userbyid(c.cfgowner) AS owner,
       ds.description AS comment
FROM pg_ts_config c
JOIN pg_namespace n ON n.oid = c.cfgnamespace
LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_ts_config'::regclass AND ds.objsubid = 0
WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_ts_config)s::oid[])
