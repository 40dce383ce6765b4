-- Turn agent_tasks into a work queue for the worker pool.
-- Marek K. 2025-07-03

CREATE INDEX idx_agent_tasks_queue ON agent_tasks (status, priority DESC, created_at)
    WHERE status = 'pending';

CREATE OR REPLACE FUNCTION claim_next_task(p_agent_id uuid)
RETURNS agent_tasks
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
    v_task agent_tasks;
BEGIN
    SELECT * INTO v_task
    FROM agent_tasks
    WHERE agent_id = p_agent_id AND status = 'pending'
    ORDER BY priority DESC, created_at
    FOR UPDATE SKIP LOCKED
    LIMIT 1;

    IF FOUND THEN
        UPDATE agent_tasks SET status = 'running' WHERE id = v_task.id;
        v_task.status := 'running';
    END IF;
    RETURN v_task;
END;
$$;

CREATE OR REPLACE FUNCTION complete_task(p_task_id uuid, p_result jsonb)
RETURNS void
LANGUAGE sql
SECURITY DEFINER
AS $$
    UPDATE agent_tasks
       SET status = CASE WHEN p_result ? 'error' THEN 'failed' ELSE 'done' END,
           result = p_result,
           completed_at = now()
     WHERE id = p_task_id;
$$;

GRANT EXECUTE ON FUNCTION claim_next_task(uuid) TO service_role;
GRANT EXECUTE ON FUNCTION complete_task(uuid, jsonb) TO service_role;
