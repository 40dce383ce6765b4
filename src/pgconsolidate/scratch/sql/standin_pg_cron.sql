-- Stand-in for pg_cron: schema cron with its tables (cron.job, cron.job_run_details, as pg_cron 1.6 makes
-- them, without their row level security policies, which a catalog read would take for the project's:
-- pg_cron's are extension members) and the job functions. Scheduling records the job exactly as pg_cron does (a row of cron.job,
-- updated in place for a job name the user already has, the schedule checked the way pg_cron parses it);
-- no job ever runs (there is no background worker). pg_cron always lives in schema cron.

CREATE SCHEMA IF NOT EXISTS cron;

CREATE SEQUENCE cron.jobid_seq;
CREATE TABLE cron.job (
    jobid bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cron.jobid_seq'),
    schedule text NOT NULL,
    command text NOT NULL,
    nodename text NOT NULL DEFAULT 'localhost',
    nodeport integer NOT NULL DEFAULT coalesce(pg_catalog.inet_server_port(), 5432),
    database text NOT NULL DEFAULT pg_catalog.current_database(),
    username text NOT NULL DEFAULT CURRENT_USER,
    active boolean NOT NULL DEFAULT true,
    jobname text,
    CONSTRAINT jobname_username_uniq UNIQUE (jobname, username)
);
ALTER SEQUENCE cron.jobid_seq OWNED BY cron.job.jobid;
GRANT SELECT ON cron.job TO public;

CREATE SEQUENCE cron.runid_seq;
CREATE TABLE cron.job_run_details (
    jobid bigint,
    runid bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cron.runid_seq'),
    job_pid integer,
    database text,
    username text,
    command text,
    status text,
    return_message text,
    start_time timestamptz,
    end_time timestamptz
);
ALTER SEQUENCE cron.runid_seq OWNED BY cron.job_run_details.runid;
GRANT SELECT, DELETE ON cron.job_run_details TO public;

-- the schedules pg_cron accepts: '[1-59] seconds', the @ shortcuts, and five fields (minute 0-59, hour
-- 0-23, day of month 1-31 or $, month 1-12 or jan-dec, day of week 0-7 or sun-sat), each a list of *, a
-- value or a range, with an optional /step; anything else fails as pg_cron fails ('invalid schedule')
CREATE FUNCTION cron.pgc_check_schedule(schedule text) RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    fields text[];
    lows int[] := ARRAY[0, 0, 1, 1, 0];
    highs int[] := ARRAY[59, 23, 31, 12, 7];
    item text;
    part text;
    m text[];
    n int;
    i int;
BEGIN
    IF schedule ~* '^\s*([1-9]|[1-5][0-9])\s+seconds?\s*$'
        OR schedule ~* '^\s*@(yearly|annually|monthly|weekly|daily|midnight|hourly|reboot)\s*$' THEN
        RETURN;
    END IF;
    fields := regexp_split_to_array(btrim(schedule), '\s+');
    IF array_length(fields, 1) IS DISTINCT FROM 5 THEN
        RAISE EXCEPTION 'invalid schedule: %', schedule USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1..5 LOOP
        FOREACH item IN ARRAY string_to_array(lower(fields[i]), ',') LOOP
            IF i = 3 AND item = '$' THEN
                CONTINUE;
            END IF;
            m := regexp_match(item, '^(\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/([0-9]+))?$');
            IF m IS NULL OR (m[2] IS NOT NULL AND m[2]::int = 0) THEN
                RAISE EXCEPTION 'invalid schedule: %', schedule USING ERRCODE = 'invalid_parameter_value';
            END IF;
            CONTINUE WHEN m[1] = '*';
            FOREACH part IN ARRAY string_to_array(m[1], '-') LOOP
                IF part ~ '^[0-9]+$' THEN
                    n := part::int;
                ELSIF i = 4 THEN
                    n := array_position(
                        ARRAY['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec'], part
                    );
                ELSIF i = 5 THEN
                    n := array_position(ARRAY['sun','mon','tue','wed','thu','fri','sat'], part) - 1;
                ELSE
                    n := NULL;
                END IF;
                IF n IS NULL OR n < lows[i] OR n > highs[i] THEN
                    RAISE EXCEPTION 'invalid schedule: %', schedule USING ERRCODE = 'invalid_parameter_value';
                END IF;
            END LOOP;
        END LOOP;
    END LOOP;
END $$;

CREATE FUNCTION cron.schedule(job_name text, schedule text, command text) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    id bigint;
BEGIN
    PERFORM cron.pgc_check_schedule(schedule);
    UPDATE cron.job AS j SET schedule = $2, command = $3, database = pg_catalog.current_database(),
        active = true
        WHERE j.jobname = job_name AND j.username = CURRENT_USER
        RETURNING j.jobid INTO id;
    IF id IS NULL THEN
        INSERT INTO cron.job (schedule, command, jobname) VALUES ($2, $3, job_name) RETURNING jobid INTO id;
    END IF;
    RETURN id;
END $$;

CREATE FUNCTION cron.schedule(schedule text, command text) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    id bigint;
BEGIN
    PERFORM cron.pgc_check_schedule(schedule);
    INSERT INTO cron.job (schedule, command) VALUES ($1, $2) RETURNING jobid INTO id;
    RETURN id;
END $$;

CREATE FUNCTION cron.schedule_in_database(
    job_name text,
    schedule text,
    command text,
    database text,
    username text DEFAULT NULL,
    active boolean DEFAULT true
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    id bigint;
BEGIN
    PERFORM cron.pgc_check_schedule(schedule);
    UPDATE cron.job AS j SET schedule = $2, command = $3, database = $4, active = $6
        WHERE j.jobname = job_name AND j.username = coalesce($5, CURRENT_USER)
        RETURNING j.jobid INTO id;
    IF id IS NULL THEN
        INSERT INTO cron.job (schedule, command, database, username, active, jobname)
            VALUES ($2, $3, $4, coalesce($5, CURRENT_USER), $6, job_name) RETURNING jobid INTO id;
    END IF;
    RETURN id;
END $$;

CREATE FUNCTION cron.unschedule(job_id bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM cron.job AS j WHERE j.jobid = job_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'could not find valid entry for job %', job_id;
    END IF;
    RETURN true;
END $$;

CREATE FUNCTION cron.unschedule(job_name text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM cron.job AS j WHERE j.jobname = job_name AND j.username = CURRENT_USER;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'could not find valid entry for job ''%''', job_name;
    END IF;
    RETURN true;
END $$;

CREATE FUNCTION cron.alter_job(
    job_id bigint,
    schedule text DEFAULT NULL,
    command text DEFAULT NULL,
    database text DEFAULT NULL,
    username text DEFAULT NULL,
    active boolean DEFAULT NULL
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF $2 IS NOT NULL THEN
        PERFORM cron.pgc_check_schedule($2);
    END IF;
    UPDATE cron.job AS j SET schedule = coalesce($2, j.schedule), command = coalesce($3, j.command),
        database = coalesce($4, j.database), username = coalesce($5, j.username),
        active = coalesce($6, j.active)
        WHERE j.jobid = job_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'could not find valid entry for job %', job_id;
    END IF;
END $$;

GRANT USAGE ON SCHEMA cron TO public;

COMMENT ON FUNCTION cron.schedule(text, text, text) IS 'pgconsolidate stand-in for extension pg_cron';
