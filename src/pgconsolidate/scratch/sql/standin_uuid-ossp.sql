-- Stand-in for the uuid-ossp extension, created in the schema the migration asked for (the first entry of
-- search_path while this runs). Generators that core PostgreSQL can compute exactly are implemented;
-- the others raise instead of returning a wrong value.

CREATE FUNCTION uuid_nil() RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT '00000000-0000-0000-0000-000000000000'::uuid $$;
CREATE FUNCTION uuid_ns_dns() RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT '6ba7b810-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
CREATE FUNCTION uuid_ns_url() RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT '6ba7b811-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
CREATE FUNCTION uuid_ns_oid() RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT '6ba7b812-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
CREATE FUNCTION uuid_ns_x500() RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT '6ba7b814-9dad-11d1-80b4-00c04fd430c8'::uuid $$;

-- version 4: random, exactly what gen_random_uuid() (core) returns
CREATE FUNCTION uuid_generate_v4() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE
    AS $$ SELECT pg_catalog.gen_random_uuid() $$;

-- version 3: MD5 of namespace || name, with the version and variant bits set (RFC 4122 section 4.3)
CREATE FUNCTION uuid_generate_v3(namespace uuid, name text) RETURNS uuid
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    SELECT pg_catalog.encode(
        pg_catalog.set_byte(
            pg_catalog.set_byte(h, 6, (pg_catalog.get_byte(h, 6) & 15) | 48),
            8, (pg_catalog.get_byte(h, 8) & 63) | 128),
        'hex')::uuid
    FROM (SELECT pg_catalog.decode(pg_catalog.md5(
        pg_catalog.decode(pg_catalog.replace(namespace::text, '-', ''), 'hex')
        || pg_catalog.convert_to(name, 'UTF8')), 'hex') AS h) AS d
$$;

CREATE FUNCTION uuid_generate_v1() RETURNS uuid LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'uuid_generate_v1() is not available: pgconsolidate stand-in for uuid-ossp'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION uuid_generate_v1mc() RETURNS uuid LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'uuid_generate_v1mc() is not available: pgconsolidate stand-in for uuid-ossp'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION uuid_generate_v5(namespace uuid, name text) RETURNS uuid LANGUAGE plpgsql IMMUTABLE STRICT
    AS $$ BEGIN RAISE EXCEPTION 'uuid_generate_v5() needs SHA-1, which core PostgreSQL lacks: pgconsolidate stand-in for uuid-ossp'
    USING ERRCODE = 'feature_not_supported'; END $$;

COMMENT ON FUNCTION uuid_generate_v4() IS 'pgconsolidate stand-in for extension uuid-ossp';
