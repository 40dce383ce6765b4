-- Stand-in for the moddatetime extension (contrib/spi): moddatetime() in PL/pgSQL, doing what the C
-- function does. Run by a BEFORE UPDATE ... FOR EACH ROW trigger whose one argument names a timestamp or
-- timestamptz column, it sets that column to the current time ('now': the transaction's start, now());
-- it refuses what the C function refuses (not a row trigger, not BEFORE, INSERT or DELETE events, not
-- exactly one argument, a missing column or one of another type). It never returns another value.

CREATE FUNCTION moddatetime() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    col text;
    typ oid;
BEGIN
    IF TG_LEVEL <> 'ROW' THEN
        RAISE EXCEPTION 'moddatetime: must be fired for row';
    END IF;
    IF TG_WHEN <> 'BEFORE' THEN
        RAISE EXCEPTION 'moddatetime: must be fired before event';
    END IF;
    IF TG_OP = 'INSERT' THEN
        RAISE EXCEPTION 'moddatetime: cannot process INSERT events';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'moddatetime: cannot process DELETE events';
    END IF;
    IF TG_NARGS <> 1 THEN
        RAISE EXCEPTION 'moddatetime (%): A single argument was expected', TG_NAME;
    END IF;
    col := TG_ARGV[0];
    SELECT a.atttypid INTO typ FROM pg_catalog.pg_attribute AS a
     WHERE a.attrelid = TG_RELID AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
    IF typ IS NULL THEN
        RAISE EXCEPTION 'moddatetime (%): there is no attribute % in relation %', TG_NAME, col, TG_TABLE_NAME
            USING ERRCODE = 'triggered_action_exception';
    END IF;
    IF typ NOT IN ('pg_catalog.timestamp'::pg_catalog.regtype, 'pg_catalog.timestamptz'::pg_catalog.regtype) THEN
        RAISE EXCEPTION 'moddatetime (%): attribute % must be of TIMESTAMP or TIMESTAMPTZ type', TG_NAME, col
            USING ERRCODE = 'triggered_action_exception';
    END IF;
    -- the value as a timestamptz in the session's time zone: a timestamp column takes its local time
    NEW := pg_catalog.jsonb_populate_record(NEW, pg_catalog.jsonb_build_object(col, pg_catalog.now()));
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION moddatetime() IS 'pgconsolidate stand-in for extension moddatetime';
