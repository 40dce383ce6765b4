-- Ask the embedding edge function to (re)embed a memory whenever its content changes.
-- Uses pg_net (enabled from the dashboard).  Priya S. 2025-08-05

create or replace function public.notify_embedding_needed()
returns trigger
language plpgsql
security definer
set search_path = public, extensions
as $$
begin
    perform net.http_post(
        url := 'https://xyzcompany.supabase.co/functions/v1/embed',
        body := jsonb_build_object('memory_id', new.id, 'content', new.content),
        headers := jsonb_build_object('Content-Type', 'application/json')
    );
    return new;
end;
$$;

create trigger memories_embedding_webhook
    after insert or update of content on public.memories
    for each row execute function public.notify_embedding_needed();
