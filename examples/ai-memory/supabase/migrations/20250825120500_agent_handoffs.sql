-- Agent-to-agent handoffs (multi-agent workflows)
-- Priya S. 2025-08-25

CREATE TABLE public.agent_handoffs (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id     uuid NOT NULL REFERENCES public.agent_sessions(id) ON DELETE CASCADE,
    from_agent_id  uuid NOT NULL REFERENCES public.agents(id),
    to_agent_id    uuid NOT NULL REFERENCES public.agents(id),
    reason         text,
    context        jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at     timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE public.agent_handoffs ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Owners see handoffs of their agents" ON public.agent_handoffs
    FOR SELECT USING (public.is_agent_owner(from_agent_id) OR public.is_agent_owner(to_agent_id));

-- per SEC-14: new functions are SECURITY INVOKER unless they really need definer
CREATE OR REPLACE FUNCTION public.handoff_session(p_session_id uuid, p_to_agent uuid, p_reason text DEFAULT NULL)
RETURNS uuid
LANGUAGE plpgsql
SECURITY INVOKER
AS $$
DECLARE
    v_from uuid;
    v_id   uuid;
BEGIN
    SELECT agent_id INTO v_from FROM public.agent_sessions WHERE id = p_session_id;
    INSERT INTO public.agent_handoffs (session_id, from_agent_id, to_agent_id, reason)
    VALUES (p_session_id, v_from, p_to_agent, p_reason)
    RETURNING id INTO v_id;
    UPDATE public.agent_sessions SET agent_id = p_to_agent WHERE id = p_session_id;
    RETURN v_id;
END;
$$;
