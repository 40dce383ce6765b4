-- Whether the connected role holds each right an apply needs (held NULL: the object is absent, or the
-- check does not apply, so the apply itself decides), the object as PostgreSQL names it, and what kind
-- of object it is (for the message). Parameters: kinds, names, details, parts text[] (same length; details:
-- a GRANT's "P WITH GRANT OPTION[, ...]" list, any of which is enough, CREATE EXTENSION's version, the new
-- owner of OWNER TO, a column privilege; parts: a JSON array of the columns a column need is about, or of
-- the names an ON ALL ... IN SCHEMA check leaves out).
-- pg_has_role(owner, 'USAGE') is PostgreSQL's own ownership test (the owner, a member of the owner
-- role, or a superuser); the has_*_privilege functions count a superuser and the owner too.
SELECT t.i::int, r.held, r.object, current_user::text AS role, r.noun
FROM unnest(%(kinds)s::text[], %(names)s::text[], %(details)s::text[], %(parts)s::jsonb[])
     WITH ORDINALITY AS t(kind, name, detail, parts, i)
-- OWNER TO and ALTER DEFAULT PRIVILEGES FOR ROLE: the role named in detail ('': the current user), and
-- whether the connected role may SET ROLE to it (PostgreSQL 16's check; membership before)
LEFT JOIN LATERAL (
  SELECT r.oid,
         CASE WHEN current_setting('server_version_num')::int >= 160000 THEN pg_has_role(r.oid, 'SET')
              ELSE pg_has_role(r.oid, 'MEMBER') END AS can_set
  FROM pg_catalog.pg_roles r
  WHERE (t.kind LIKE '%%-owner-to' OR t.kind LIKE '%%-new-owner' OR t.kind = 'role-set')
    AND r.rolname = coalesce(nullif(t.detail, ''), current_user::text)
) o ON true
LEFT JOIN LATERAL (
  SELECT has_database_privilege(current_database(), 'CREATE') AS held, current_database()::text AS object,
         'database'::text AS noun
  WHERE t.kind = 'database-create'
  UNION ALL
  SELECT o.can_set, t.detail, 'role' WHERE t.kind = 'role-set' AND o.oid IS NOT NULL
  UNION ALL
  SELECT CASE t.kind WHEN 'schema-create' THEN has_schema_privilege(n.oid, 'CREATE')
                     WHEN 'schema-grant' THEN has_schema_privilege(n.oid, t.detail)
                     WHEN 'schema-revoke' THEN has_schema_privilege(n.oid, t.detail)
                     WHEN 'schema-usage' THEN has_schema_privilege(n.oid, 'USAGE')
                     WHEN 'schema-owner-to' THEN n.nspowner = o.oid
                                                 OR (pg_has_role(n.nspowner, 'USAGE') AND o.can_set)
                     ELSE pg_has_role(n.nspowner, 'USAGE') END,
         n.nspname::text, 'schema'
  FROM pg_catalog.pg_namespace n
  WHERE t.kind IN ('schema-create', 'schema-owner', 'schema-grant', 'schema-revoke', 'schema-owner-to',
                   'schema-usage')
    AND (t.kind <> 'schema-owner-to' OR o.oid IS NOT NULL)
    AND n.nspname = coalesce(t.name, (current_schemas(false))[1])
  UNION ALL
  -- DROP is allowed to the owner of the object or of its schema
  SELECT CASE t.kind
           WHEN 'relation-drop' THEN pg_has_role(c.relowner, 'USAGE') OR pg_has_role(n.nspowner, 'USAGE')
           WHEN 'table-trigger' THEN has_table_privilege(c.oid, 'TRIGGER')
           WHEN 'table-references' THEN has_any_column_privilege(c.oid, 'REFERENCES')
           WHEN 'table-truncate' THEN has_table_privilege(c.oid, 'TRUNCATE')
           WHEN 'table-lock' THEN has_table_privilege(c.oid, t.detail || CASE
             WHEN current_setting('server_version_num')::int >= 170000 THEN ', MAINTAIN' ELSE '' END)
           -- ALTER TABLE checks ownership first in any case; SET ROLE only for a new owner
           WHEN 'relation-owner-to' THEN pg_has_role(c.relowner, 'USAGE') AND (c.relowner = o.oid OR o.can_set)
           WHEN 'table-grant' THEN has_table_privilege(c.oid, t.detail)
           WHEN 'table-revoke' THEN has_table_privilege(c.oid, t.detail || CASE
             WHEN current_setting('server_version_num')::int >= 170000 THEN ', MAINTAIN' ELSE '' END)
           WHEN 'sequence-grant' THEN c.relkind <> 'S' OR has_sequence_privilege(c.oid, t.detail)
           WHEN 'sequence-revoke' THEN c.relkind <> 'S' OR has_sequence_privilege(c.oid, t.detail)
           WHEN 'matview-refresh' THEN
             CASE WHEN current_setting('server_version_num')::int >= 170000
                  THEN has_table_privilege(c.oid, 'MAINTAIN') ELSE pg_has_role(c.relowner, 'USAGE') END
           ELSE pg_has_role(c.relowner, 'USAGE') END,
         c.oid::regclass::text,
         CASE WHEN t.kind = 'matview-refresh' AND current_setting('server_version_num')::int >= 170000
                THEN 'MAINTAIN on materialized view'
              WHEN t.kind = 'matview-refresh' THEN 'ownership of materialized view'
              ELSE CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                     WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'i' THEN 'index'
                     WHEN 'I' THEN 'index' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type'
                     ELSE 'relation' END END
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE t.kind IN ('relation-owner', 'relation-drop', 'table-trigger', 'table-references', 'table-grant',
                   'sequence-grant', 'relation-owner-to', 'table-truncate', 'table-lock',
                   'table-revoke', 'sequence-revoke', 'matview-refresh', 'trigger-drop', 'policy-drop',
                   'rule-drop')
    AND c.oid = to_regclass(t.name) AND (t.kind <> 'relation-owner-to' OR o.oid IS NOT NULL)
    -- DROP TRIGGER/POLICY/RULE checks the table's owner only when the object exists
    AND CASE t.kind
          WHEN 'trigger-drop' THEN EXISTS (SELECT FROM pg_catalog.pg_trigger g
                                           WHERE g.tgrelid = c.oid AND g.tgname = t.detail)
          WHEN 'policy-drop' THEN EXISTS (SELECT FROM pg_catalog.pg_policy p
                                          WHERE p.polrelid = c.oid AND p.polname = t.detail)
          WHEN 'rule-drop' THEN EXISTS (SELECT FROM pg_catalog.pg_rewrite w
                                        WHERE w.ev_class = c.oid AND w.rulename = t.detail)
          ELSE true END
  UNION ALL
  SELECT CASE t.kind
           WHEN 'function-drop' THEN pg_has_role(p.proowner, 'USAGE') OR pg_has_role(n.nspowner, 'USAGE')
           WHEN 'function-execute' THEN has_function_privilege(p.oid, 'EXECUTE')
           WHEN 'function-grant' THEN has_function_privilege(p.oid, t.detail)
           WHEN 'function-revoke' THEN has_function_privilege(p.oid, t.detail)
           WHEN 'function-owner-to' THEN p.proowner = o.oid OR (pg_has_role(p.proowner, 'USAGE') AND o.can_set)
           ELSE pg_has_role(p.proowner, 'USAGE') END,
         p.oid::regprocedure::text,
         CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE t.kind IN ('function-owner', 'function-drop', 'function-execute', 'function-grant', 'function-revoke',
                   'function-owner-to')
    AND (t.kind <> 'function-owner-to' OR o.oid IS NOT NULL)
    AND p.oid = CASE WHEN strpos(t.name, '(') > 0 THEN to_regprocedure(t.name) ELSE to_regproc(t.name) END
  UNION ALL
  SELECT CASE t.kind
           WHEN 'type-drop' THEN pg_has_role(ty.typowner, 'USAGE') OR pg_has_role(n.nspowner, 'USAGE')
           WHEN 'type-grant' THEN has_type_privilege(ty.oid, t.detail)
           WHEN 'type-revoke' THEN has_type_privilege(ty.oid, t.detail)
           WHEN 'type-owner-to' THEN ty.typowner = o.oid OR (pg_has_role(ty.typowner, 'USAGE') AND o.can_set)
           ELSE pg_has_role(ty.typowner, 'USAGE') END,
         format_type(ty.oid, NULL),
         CASE ty.typtype WHEN 'd' THEN 'domain' ELSE 'type' END
  FROM pg_catalog.pg_type ty JOIN pg_catalog.pg_namespace n ON n.oid = ty.typnamespace
  WHERE t.kind IN ('type-owner', 'type-drop', 'type-grant', 'type-revoke', 'type-owner-to')
    AND ty.oid = to_regtype(t.name) AND (t.kind <> 'type-owner-to' OR o.oid IS NOT NULL)
  UNION ALL
  SELECT has_table_privilege(c.oid, CASE t.kind WHEN 'table-insert' THEN 'INSERT' ELSE 'DELETE' END),
         c.oid::regclass::text, 'table'
  FROM pg_catalog.pg_class c
  WHERE t.kind IN ('table-insert', 'table-delete') AND c.oid = to_regclass(t.name)
  UNION ALL
  -- CREATE EXTENSION of an extension not installed whose control file (of the version installed) says
  -- superuser: a superuser, or CREATE on the database when it is trusted. Platforms that let other roles
  -- create extensions (an allow-list in their own settings) are left to the apply.
  SELECT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
         OR (v.trusted AND has_database_privilege(current_database(), 'CREATE')),
         v.name::text,
         CASE WHEN v.trusted THEN 'superuser or CREATE on database (a trusted extension)'
              ELSE 'superuser (an untrusted extension)' END
  FROM pg_catalog.pg_available_extension_versions v
  WHERE t.kind = 'extension-create' AND v.name = t.name AND v.superuser
    AND v.version = coalesce(t.detail, (SELECT e.default_version FROM pg_catalog.pg_available_extensions e
                                        WHERE e.name = t.name))
    AND NOT EXISTS (SELECT FROM pg_catalog.pg_extension x WHERE x.extname = t.name)
    AND NOT EXISTS (SELECT FROM pg_catalog.pg_settings s
                    WHERE s.name ~ '^(supautils|rds|cloudsql|azure|alloydb|neon|extwlist|pgextwlist|pgtle)\.')
  UNION ALL
  -- publications: ALTER PUBLICATION needs ownership; OWNER TO a new owner: SET ROLE to it, and its CREATE
  -- on the database unless a superuser runs it (nothing when it is already the owner); FOR ALL TABLES,
  -- TABLES IN SCHEMA: a superuser
  SELECT CASE t.kind
           WHEN 'publication-owner-to' THEN p.pubowner = o.oid OR (pg_has_role(p.pubowner, 'USAGE') AND o.can_set)
           WHEN 'publication-new-owner' THEN p.pubowner = o.oid
             OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
             OR has_database_privilege(o.oid, current_database(), 'CREATE')
           ELSE pg_has_role(p.pubowner, 'USAGE') END,
         CASE WHEN t.kind = 'publication-new-owner' THEN current_database()::text ELSE p.pubname::text END,
         CASE WHEN t.kind = 'publication-new-owner' THEN 'database' ELSE 'publication' END
  FROM pg_catalog.pg_publication p
  WHERE t.kind IN ('publication-owner', 'publication-owner-to', 'publication-new-owner') AND p.pubname = t.name
    AND (t.kind = 'publication-owner' OR o.oid IS NOT NULL)
  UNION ALL
  SELECT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), t.name, 'publication'
  WHERE t.kind = 'publication-superuser'
  UNION ALL
  -- OWNER TO a new owner: it must have CREATE on the object's schema (on the database, for a schema),
  -- unless the connected role is a superuser; nothing is checked when the object is already its own
  SELECT x.same OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
           OR CASE WHEN t.kind = 'schema-new-owner'
                   THEN has_database_privilege(o.oid, current_database(), 'CREATE')
                   ELSE has_schema_privilege(o.oid, x.nsp, 'CREATE') END,
         CASE WHEN t.kind = 'schema-new-owner' THEN current_database()::text ELSE x.nsp::regnamespace::text END,
         CASE WHEN t.kind = 'schema-new-owner' THEN 'database' ELSE 'schema' END
  FROM (SELECT c.relowner = o.oid, c.relnamespace FROM pg_catalog.pg_class c
        WHERE t.kind = 'relation-new-owner' AND c.oid = to_regclass(t.name)
        UNION ALL
        SELECT p.proowner = o.oid, p.pronamespace FROM pg_catalog.pg_proc p
        WHERE t.kind = 'function-new-owner'
          AND p.oid = CASE WHEN strpos(t.name, '(') > 0 THEN to_regprocedure(t.name) ELSE to_regproc(t.name) END
        UNION ALL
        SELECT ty.typowner = o.oid, ty.typnamespace FROM pg_catalog.pg_type ty
        WHERE t.kind = 'type-new-owner' AND ty.oid = to_regtype(t.name)
        UNION ALL
        SELECT n.nspowner = o.oid, n.oid FROM pg_catalog.pg_namespace n
        WHERE t.kind = 'schema-new-owner' AND n.nspname = t.name) x(same, nsp)
  WHERE t.kind LIKE '%%-new-owner' AND o.oid IS NOT NULL
  UNION ALL
  -- column privileges (GRANT/REVOKE (col) ON, the columns a statement reads or writes): the first of the
  -- columns there now that the role lacks the privilege on (a table privilege covers its columns); "*":
  -- every column; none named: some column will do
  SELECT CASE WHEN jsonb_array_length(t.parts) = 0 THEN has_any_column_privilege(c.oid, t.detail)
              ELSE lack.attname IS NULL END,
         c.oid::regclass::text || coalesce('.' || quote_ident(lack.attname), ''),
         CASE WHEN lack.attname IS NOT NULL THEN 'column'
              WHEN jsonb_array_length(t.parts) = 0 THEN 'some column of table'
              ELSE 'table' END
  FROM pg_catalog.pg_class c
  LEFT JOIN LATERAL (
    SELECT a.attname::text FROM pg_catalog.pg_attribute a
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      AND (t.parts ? '*' OR t.parts ? a.attname::text)
      AND NOT has_column_privilege(c.oid, a.attnum, t.detail)
    ORDER BY a.attnum LIMIT 1
  ) lack ON true
  WHERE t.kind IN ('column-grant', 'column-revoke', 'columns-select', 'columns-insert', 'columns-update')
    AND c.oid = to_regclass(t.name)
  UNION ALL
  -- ON ALL TABLES/SEQUENCES/FUNCTIONS/PROCEDURES/ROUTINES IN SCHEMA: PostgreSQL refuses the statement
  -- when the role holds no privilege at all on one of them (the first, by name); none missing: no row
  SELECT false, x.obj, x.noun
  FROM pg_catalog.pg_namespace n, LATERAL (
    SELECT c.oid::regclass::text AS obj,
           CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                          WHEN 'f' THEN 'foreign table' ELSE 'table' END AS noun
    FROM pg_catalog.pg_class c
    WHERE c.relnamespace = n.oid AND NOT t.parts ? c.relname::text
      AND CASE t.kind WHEN 'tables-in-schema' THEN c.relkind IN ('r', 'p', 'v', 'm', 'f')
                      WHEN 'sequences-in-schema' THEN c.relkind = 'S' ELSE false END
      AND NOT CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'USAGE, SELECT, UPDATE')
                   ELSE has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'
                     || CASE WHEN current_setting('server_version_num')::int >= 170000 THEN ', MAINTAIN'
                             ELSE '' END) END
    UNION ALL
    SELECT p.oid::regprocedure::text, CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END
    FROM pg_catalog.pg_proc p
    WHERE p.pronamespace = n.oid AND NOT t.parts ? p.proname::text
      AND CASE t.kind WHEN 'functions-in-schema' THEN p.prokind <> 'p'
                      WHEN 'procedures-in-schema' THEN p.prokind = 'p'
                      WHEN 'routines-in-schema' THEN true ELSE false END
      AND NOT has_function_privilege(p.oid, 'EXECUTE')
    ORDER BY 1 LIMIT 1
  ) x
  WHERE t.kind LIKE '%%-in-schema' AND n.nspname = t.name
) r ON true
ORDER BY t.i
