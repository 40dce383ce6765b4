-- 008 - memory consolidation ("sleep" job)
-- dana.w 2025-01-08
--
-- consolidate_memories() merges near-duplicate memories of a user into the
-- most important one and links the rest to it. Runs nightly from the worker.

CREATE TABLE memory_consolidation_runs (
    id            bigserial PRIMARY KEY,
    user_id       uuid NOT NULL,
    merged_count  integer NOT NULL DEFAULT 0,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);

ALTER TABLE memory_consolidation_runs ENABLE ROW LEVEL SECURITY;

CREATE OR REPLACE FUNCTION consolidate_memories(p_user_id uuid, p_similarity double precision DEFAULT 0.95)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
    v_run_id bigint;
    v_merged integer := 0;
    r record;
BEGIN
    INSERT INTO memory_consolidation_runs (user_id) VALUES (p_user_id) RETURNING id INTO v_run_id;

    FOR r IN
        SELECT a.id AS keep_id, b.id AS drop_id
        FROM memories a
        JOIN memories b
          ON a.user_id = b.user_id
         AND a.id <> b.id
         AND a.importance >= b.importance
         AND 1 - (a.embedding <=> b.embedding) >= p_similarity
        WHERE a.user_id = p_user_id
    LOOP
        INSERT INTO memory_links (source_id, target_id, relation)
        VALUES (r.keep_id, r.drop_id, 'consolidated')
        ON CONFLICT DO NOTHING;

        UPDATE memories SET expires_at = now() WHERE id = r.drop_id AND expires_at IS NULL;
        v_merged := v_merged + 1;
    END LOOP;

    UPDATE memory_consolidation_runs
       SET merged_count = v_merged, finished_at = now()
     WHERE id = v_run_id;
    RETURN v_merged;
END;
$$;

CREATE OR REPLACE FUNCTION decay_memory_importance(p_factor double precision DEFAULT 1.0)
RETURNS void
LANGUAGE sql
SECURITY DEFINER
AS $$
    UPDATE memories m
       SET importance = greatest(0, m.importance - t.decay_rate * p_factor)
      FROM memory_types t
     WHERE t.name = m.memory_type
       AND t.decay_rate > 0;
$$;

CREATE OR REPLACE FUNCTION cleanup_expired_memories()
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
    n integer;
BEGIN
    DELETE FROM memories WHERE expires_at IS NOT NULL AND expires_at < now();
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END;
$$;
