-- Text search dictionaries created in the database (CREATE TEXT SEARCH DICTIONARY), not those of
-- extensions unless asked: the template (qualified outside pg_catalog) and the options as given.
SELECT n.nspname || '.' || d.dictname AS identity,
       (SELECT CASE WHEN tn.nspname = 'pg_catalog' THEN t.tmplname ELSE tn.nspname || '.' || t.tmplname END
          FROM pg_ts_template t JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
         WHERE t.oid = d.dicttemplate) AS template,
       d.dictinitoption AS options,
       pg_get_userbyid(d.dictowner) AS owner,
       ds.description AS comment
FROM pg_ts_dict d
JOIN pg_namespace n ON n.oid = d.dictnamespace
LEFT JOIN pg_description ds ON ds.objoid = d.oid AND ds.classoid = 'pg_ts_dict'::regclass AND ds.objsubid = 0
WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND d.oid <> ALL (%(ext_ts_dict)s::oid[])
