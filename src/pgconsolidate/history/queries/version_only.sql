-- dbmate (version varchar) and golang-migrate (version bigint, dirty boolean).
SELECT version::text AS version, {dirty} AS dirty
FROM {table}
ORDER BY version
