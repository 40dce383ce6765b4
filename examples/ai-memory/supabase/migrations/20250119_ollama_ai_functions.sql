-- Ollama integration: call the self-hosted Ollama server straight from Postgres
-- using the `http` extension, so RPCs can embed/generate without the worker.
-- Priya S. 2025-01-19

create extension if not exists http with schema extensions;

create table if not exists ollama_config (
    id          integer primary key default 1 check (id = 1),
    base_url    text not null default 'http://ollama:11434',
    chat_model  text not null default 'llama3.2',
    embed_model text not null default 'nomic-embed-text',
    timeout_ms  integer not null default 30000
);

insert into ollama_config (id) values (1) on conflict (id) do nothing;

create or replace function ollama_base_url()
returns text
language sql
stable
as $$
    select base_url from ollama_config where id = 1;
$$;

-- /api/generate, non streaming
create or replace function ollama_generate(prompt text, model text default 'llama3.2')
returns text
language plpgsql
security definer
as $$
declare
    v_status integer;
    v_body   text;
begin
    select status, content into v_status, v_body from extensions.http_post(
        ollama_base_url() || '/api/generate',
        jsonb_build_object('model', model, 'prompt', prompt, 'stream', false)::text,
        'application/json');
    if v_status <> 200 then
        raise exception 'ollama returned %: %', v_status, v_body;
    end if;
    return v_body::jsonb ->> 'response';
end;
$$;

-- /api/chat with a single user message; returns the whole response object
create or replace function ollama_chat(prompt text, model text default 'llama3.2')
returns jsonb
language plpgsql
security definer
as $$
declare
    v_status integer;
    v_body   text;
begin
    select status, content into v_status, v_body from extensions.http_post(
        ollama_base_url() || '/api/chat',
        jsonb_build_object(
            'model', model,
            'messages', jsonb_build_array(jsonb_build_object('role', 'user', 'content', prompt)),
            'stream', false)::text,
        'application/json');
    return v_body::jsonb;
end;
$$;

create or replace function ollama_embed(input text)
returns vector
language plpgsql
security definer
as $$
declare
    v_status integer;
    v_body   text;
begin
    select status, content into v_status, v_body from extensions.http_post(
        ollama_base_url() || '/api/embeddings',
        jsonb_build_object('model', 'nomic-embed-text', 'prompt', input)::text,
        'application/json');
    return ((v_body::jsonb) -> 'embedding')::text::vector;
end;
$$;

create or replace function ollama_list_models()
returns jsonb
language sql
stable
security definer
as $$
    select (content::jsonb) -> 'models'
    from extensions.http_get(ollama_base_url() || '/api/tags');
$$;

grant execute on function ollama_generate(text, text) to authenticated;
grant execute on function ollama_chat(text, text) to authenticated;
grant execute on function ollama_embed(text) to authenticated, service_role;
