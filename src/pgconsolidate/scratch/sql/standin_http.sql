-- Stand-in for the http extension (pgsql-http): its domains, types and function signatures, so that
-- migrations referring to them can be built. Every request function RAISES when called: a scratch
-- database must never pretend that a request was made.

CREATE DOMAIN http_method AS text;
CREATE DOMAIN content_type AS text CHECK (VALUE ~ '^\S+\/\S+');
CREATE TYPE http_header AS (field character varying, value character varying);
CREATE TYPE http_response AS (
    status integer,
    content_type character varying,
    headers http_header[],
    content character varying
);
CREATE TYPE http_request AS (
    method http_method,
    uri character varying,
    headers http_header[],
    content_type character varying,
    content character varying
);

CREATE FUNCTION http_header(field character varying, value character varying) RETURNS http_header
    LANGUAGE sql IMMUTABLE AS $$ SELECT ROW(field, value)::http_header $$;

CREATE FUNCTION http(request http_request) RETURNS http_response LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'http() cannot make requests: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION http_get(uri character varying) RETURNS http_response LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'http_get() cannot make requests: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION http_get(uri character varying, data jsonb) RETURNS http_response LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'http_get() cannot make requests: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION http_post(uri character varying, content character varying, content_type character varying)
    RETURNS http_response LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'http_post() cannot make requests: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION http_post(uri character varying, data jsonb) RETURNS http_response LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'http_post() cannot make requests: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION http_put(uri character varying, content character varying, content_type character varying)
    RETURNS http_response LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'http_put() cannot make requests: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION http_patch(uri character varying, content character varying, content_type character varying)
    RETURNS http_response LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'http_patch() cannot make requests: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION http_delete(uri character varying) RETURNS http_response LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'http_delete() cannot make requests: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION http_delete(uri character varying, content character varying, content_type character varying)
    RETURNS http_response LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'http_delete() cannot make requests: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION http_head(uri character varying) RETURNS http_response LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'http_head() cannot make requests: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION http_set_curlopt(curlopt character varying, value character varying) RETURNS boolean
    LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'http_set_curlopt() is not available: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION http_reset_curlopt() RETURNS boolean LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RAISE EXCEPTION 'http_reset_curlopt() is not available: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION urlencode(string character varying) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT
    AS $$ BEGIN RAISE EXCEPTION 'urlencode() is not available: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;
CREATE FUNCTION urlencode(data jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT
    AS $$ BEGIN RAISE EXCEPTION 'urlencode() is not available: pgconsolidate stand-in for the http extension'
    USING ERRCODE = 'feature_not_supported'; END $$;

COMMENT ON FUNCTION http(http_request) IS 'pgconsolidate stand-in for extension http';
