-- The names functions' types are printed with (format_type(oid, NULL), as oidvectortypes,
-- pg_get_function_arguments and pg_get_function_result print them), for catalog/functiondef.py.
SELECT o AS oid, format_type(o, NULL) AS name
FROM unnest(%(types)s::oid[]) o
