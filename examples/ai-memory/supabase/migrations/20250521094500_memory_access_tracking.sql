-- Recall tracking: bump access_count / importance whenever a memory is used.
-- dana.w 2025-05-21

CREATE OR REPLACE FUNCTION record_memory_access(p_memory_id uuid)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
BEGIN
    UPDATE memories
       SET access_count = access_count + 1,
           last_accessed_at = now()
     WHERE id = p_memory_id;

    INSERT INTO memory_access_log (memory_id, user_id, source)
    VALUES (p_memory_id, auth.uid(), 'rpc');
END;
$$;

-- v2: importance also grows with how often a memory is recalled
CREATE OR REPLACE FUNCTION update_memory_importance(p_memory_id uuid, p_delta double precision)
RETURNS real
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
    v_new real;
BEGIN
    UPDATE memories
       SET importance = least(1, greatest(0, importance + p_delta + ln(1 + access_count) * 0.01)),
           updated_at = now()
     WHERE id = p_memory_id
    RETURNING importance INTO v_new;
    RETURN v_new;
END;
$$;

GRANT EXECUTE ON FUNCTION record_memory_access(uuid) TO authenticated;
