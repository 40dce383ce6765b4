-- Stand-in for pg_net: schema net and the request functions' signatures. They RAISE when called:
-- a scratch database must never pretend that a request was queued. pg_net always lives in schema net.

CREATE SCHEMA IF NOT EXISTS net;

CREATE FUNCTION net.http_get(
    url text,
    params jsonb DEFAULT '{}'::jsonb,
    headers jsonb DEFAULT '{}'::jsonb,
    timeout_milliseconds integer DEFAULT 5000
) RETURNS bigint LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'net.http_get() cannot make requests: pgconsolidate stand-in for pg_net'
    USING ERRCODE = 'feature_not_supported'; END $$;

CREATE FUNCTION net.http_post(
    url text,
    body jsonb DEFAULT '{}'::jsonb,
    params jsonb DEFAULT '{}'::jsonb,
    headers jsonb DEFAULT '{"Content-Type": "application/json"}'::jsonb,
    timeout_milliseconds integer DEFAULT 5000
) RETURNS bigint LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'net.http_post() cannot make requests: pgconsolidate stand-in for pg_net'
    USING ERRCODE = 'feature_not_supported'; END $$;

CREATE FUNCTION net.http_delete(
    url text,
    params jsonb DEFAULT '{}'::jsonb,
    headers jsonb DEFAULT '{}'::jsonb,
    timeout_milliseconds integer DEFAULT 5000
) RETURNS bigint LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'net.http_delete() cannot make requests: pgconsolidate stand-in for pg_net'
    USING ERRCODE = 'feature_not_supported'; END $$;



COMMENT ON FUNCTION net.http_post(text, jsonb, jsonb, jsonb, integer) IS 'pgconsolidate stand-in for extension pg_net';
