-- RLS helper: the EXISTS(...) subqueries in the agent policies were slow and
-- recursive through agents' own policy. Use a definer helper instead.
-- dana.w 2025-04-29

CREATE OR REPLACE FUNCTION public.is_agent_owner(p_agent_id uuid)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public
AS $$
    SELECT EXISTS (SELECT 1 FROM agents WHERE id = p_agent_id AND owner_id = auth.uid());
$$;

DROP POLICY "Agent owners see sessions" ON agent_sessions;
CREATE POLICY "Agent owners see sessions" ON agent_sessions
    FOR SELECT USING (public.is_agent_owner(agent_id));

DROP POLICY "Agent owners manage tasks" ON agent_tasks;
CREATE POLICY "Agent owners manage tasks" ON agent_tasks
    FOR ALL USING (public.is_agent_owner(agent_id));

DROP POLICY "Agent owners manage tool assignments" ON agent_tool_assignments;
CREATE POLICY "Agent owners manage tool assignments" ON agent_tool_assignments
    FOR ALL USING (public.is_agent_owner(agent_id));
