-- 007_agent_functions.sql
-- RPCs for the agent worker loop.  Marek K. 2024-12-23

-- Returns the context block injected into the agent prompt: agent config,
-- the active session and the N most important recent memories.
CREATE OR REPLACE FUNCTION get_agent_context(p_agent_id uuid, p_memory_limit integer DEFAULT 20)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
    v_agent   jsonb;
    v_session jsonb;
    v_mem     jsonb;
BEGIN
    SELECT to_jsonb(a) - 'owner_id' INTO v_agent FROM agents a WHERE a.id = p_agent_id;
    IF v_agent IS NULL THEN
        RAISE EXCEPTION 'agent % not found', p_agent_id;
    END IF;

    SELECT to_jsonb(s) INTO v_session
    FROM agent_sessions s
    WHERE s.agent_id = p_agent_id AND s.status = 'active'
    ORDER BY s.started_at DESC
    LIMIT 1;

    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', m.id, 'content', m.content, 'type', m.memory_type, 'importance', m.importance)), '[]'::jsonb)
    INTO v_mem
    FROM (
        SELECT * FROM memories
        WHERE agent_id = p_agent_id
        ORDER BY importance DESC, created_at DESC
        LIMIT p_memory_limit
    ) m;

    RETURN jsonb_build_object('agent', v_agent, 'session', v_session, 'memories', v_mem);
END;
$$;

CREATE OR REPLACE FUNCTION update_memory_importance(p_memory_id uuid, p_delta double precision)
RETURNS real
LANGUAGE sql
SECURITY DEFINER
AS $$
    UPDATE memories
       SET importance = least(1, greatest(0, importance + p_delta)),
           updated_at = now()
     WHERE id = p_memory_id
    RETURNING importance;
$$;

CREATE OR REPLACE FUNCTION start_agent_session(p_agent_id uuid, p_context jsonb DEFAULT '{}')
RETURNS uuid
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
    v_id uuid;
BEGIN
    -- only one active session per agent
    UPDATE agent_sessions SET status = 'idle'
     WHERE agent_id = p_agent_id AND status = 'active';

    INSERT INTO agent_sessions (agent_id, user_id, context)
    VALUES (p_agent_id, auth.uid(), p_context)
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;

CREATE OR REPLACE FUNCTION end_agent_session(p_session_id uuid)
RETURNS void
LANGUAGE sql
SECURITY DEFINER
AS $$
    UPDATE agent_sessions SET status = 'ended', ended_at = now() WHERE id = p_session_id;
$$;

GRANT EXECUTE ON FUNCTION get_agent_context(uuid, integer) TO anon, authenticated;
GRANT EXECUTE ON FUNCTION start_agent_session(uuid, jsonb) TO anon, authenticated;
GRANT EXECUTE ON FUNCTION end_agent_session(uuid) TO anon, authenticated;
