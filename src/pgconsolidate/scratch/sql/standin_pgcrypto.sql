-- Stand-in for pgcrypto, created in the schema the migration asked for. digest/hmac compute the same
-- values as pgcrypto for md5 and the SHA-2 family (core functions); gen_random_bytes draws from
-- gen_random_uuid()'s strong random bytes; everything else raises instead of returning a wrong value.

CREATE FUNCTION digest(data bytea, type text) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
BEGIN
    CASE pg_catalog.lower(type)
        WHEN 'md5' THEN RETURN pg_catalog.decode(pg_catalog.md5(data), 'hex');
        WHEN 'sha224' THEN RETURN pg_catalog.sha224(data);
        WHEN 'sha256' THEN RETURN pg_catalog.sha256(data);
        WHEN 'sha384' THEN RETURN pg_catalog.sha384(data);
        WHEN 'sha512' THEN RETURN pg_catalog.sha512(data);
        ELSE RAISE EXCEPTION 'digest(%) is not available: pgconsolidate stand-in for pgcrypto', type
            USING ERRCODE = 'feature_not_supported';
    END CASE;
END
$$;
CREATE FUNCTION digest(data text, type text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT digest(pg_catalog.convert_to(data, 'UTF8'), type) $$;

CREATE FUNCTION hmac(data bytea, key bytea, type text) RETURNS bytea
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
DECLARE
    block int := CASE WHEN pg_catalog.lower(type) IN ('sha384', 'sha512') THEN 128 ELSE 64 END;
    k bytea := key;
    ipad bytea;
    opad bytea;
    i int;
BEGIN
    IF pg_catalog.length(k) > block THEN
        k := digest(k, type);
    END IF;
    k := k || pg_catalog.decode(pg_catalog.repeat('00', block - pg_catalog.length(k)), 'hex');
    ipad := k;
    opad := k;
    FOR i IN 0 .. block - 1 LOOP
        ipad := pg_catalog.set_byte(ipad, i, pg_catalog.get_byte(k, i) # 54);
        opad := pg_catalog.set_byte(opad, i, pg_catalog.get_byte(k, i) # 92);
    END LOOP;
    RETURN digest(opad || digest(ipad || data, type), type);
END
$$;
CREATE FUNCTION hmac(data text, key text, type text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT hmac(pg_catalog.convert_to(data, 'UTF8'), pg_catalog.convert_to(key, 'UTF8'), type) $$;

-- 14 of the 16 bytes of a version-4 UUID are strongly random (byte 6 holds the version, byte 8 the variant)
CREATE FUNCTION gen_random_bytes(count integer) RETURNS bytea LANGUAGE plpgsql VOLATILE STRICT
    AS $$
DECLARE
    result bytea := ''::bytea;
    u bytea;
BEGIN
    IF count < 1 OR count > 1024 THEN
        RAISE EXCEPTION 'Length not in range' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    WHILE pg_catalog.length(result) < count LOOP
        u := pg_catalog.decode(pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', ''), 'hex');
        result := result || pg_catalog.substr(u, 1, 6) || pg_catalog.substr(u, 8, 1)
            || pg_catalog.substr(u, 10, 7);
    END LOOP;
    RETURN pg_catalog.substr(result, 1, count);
END
$$;

CREATE FUNCTION crypt(password text, salt text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT
    AS $$ BEGIN RAISE EXCEPTION 'crypt() is not available: pgconsolidate stand-in for pgcrypto'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION gen_salt(type text) RETURNS text LANGUAGE plpgsql VOLATILE STRICT
    AS $$ BEGIN RAISE EXCEPTION 'gen_salt() is not available: pgconsolidate stand-in for pgcrypto'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION gen_salt(type text, iter_count integer) RETURNS text LANGUAGE plpgsql VOLATILE STRICT
    AS $$ BEGIN RAISE EXCEPTION 'gen_salt() is not available: pgconsolidate stand-in for pgcrypto'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION pgp_sym_encrypt(data text, psw text) RETURNS bytea LANGUAGE plpgsql VOLATILE STRICT
    AS $$ BEGIN RAISE EXCEPTION 'pgp_sym_encrypt() is not available: pgconsolidate stand-in for pgcrypto'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION pgp_sym_decrypt(msg bytea, psw text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT
    AS $$ BEGIN RAISE EXCEPTION 'pgp_sym_decrypt() is not available: pgconsolidate stand-in for pgcrypto'
    USING ERRCODE = 'feature_not_supported'; END $$;

COMMENT ON FUNCTION gen_random_bytes(integer) IS 'pgconsolidate stand-in for extension pgcrypto';
