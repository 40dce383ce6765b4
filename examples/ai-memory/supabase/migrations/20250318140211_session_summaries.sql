-- Summarize a session into an episodic memory when it ends.
-- Priya S. 2025-03-18

alter table public.agent_sessions add column if not exists summary text;

create or replace function public.summarize_session(p_session_id uuid)
returns text
language plpgsql
security definer
as $$
declare
    v_session agent_sessions%rowtype;
    v_transcript text;
    v_summary text;
begin
    select * into v_session from agent_sessions where id = p_session_id;
    if not found then
        raise exception 'session % not found', p_session_id;
    end if;

    select string_agg(t.title || ': ' || coalesce(t.result ->> 'output', t.status), E'\n' order by t.created_at)
      into v_transcript
      from agent_tasks t
     where t.session_id = p_session_id;

    v_summary := ollama_generate(
        'Summarize what the agent did in this session in 3 sentences:' || E'\n' || coalesce(v_transcript, '(nothing)'));

    update agent_sessions set summary = v_summary where id = p_session_id;

    insert into memories (user_id, agent_id, content, memory_type, metadata)
    values (v_session.user_id, v_session.agent_id, v_summary, 'episodic',
            jsonb_build_object('source', 'session_summary', 'session_id', p_session_id));
    return v_summary;
end;
$$;
