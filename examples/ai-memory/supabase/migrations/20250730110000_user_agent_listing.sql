-- Agents visible to the current user (own + agents shared through a team).
-- Ken O. 2025-07-30

CREATE OR REPLACE FUNCTION public.get_user_agents()
RETURNS TABLE (id uuid, name text, model text, is_active boolean, memory_count bigint, is_owner boolean)
LANGUAGE sql
STABLE
SECURITY DEFINER
AS $$
    SELECT a.id, a.name, a.model, a.is_active,
           (SELECT count(*) FROM public.memories m WHERE m.agent_id = a.id),
           a.owner_id = auth.uid()
    FROM public.agents a
    WHERE a.owner_id = auth.uid()
       OR a.owner_id IN (
            SELECT (jsonb_array_elements_text(auth.jwt() -> 'app_metadata' -> 'team_member_ids'))::uuid
       )
    ORDER BY a.created_at;
$$;

GRANT EXECUTE ON FUNCTION public.get_user_agents() TO authenticated;
