-- Nightly cleanup (scheduled with pg_cron from the dashboard:
--   select cron.schedule('cleanup', '17 3 * * *', $$select cleanup_expired_memories()$$);)
-- Priya S. 2025-06-26

create or replace function public.cleanup_expired_memories()
returns integer
language plpgsql
as $$
declare
    n integer;
begin
    delete from public.memories where expires_at is not null and expires_at < now();
    get diagnostics n = row_count;

    delete from public.memory_access_log where accessed_at < now() - interval '180 days';
    return n;
end;
$$;

create or replace function public.prune_api_usage(p_keep interval default interval '30 days')
returns bigint
language sql
as $$
    with d as (delete from public.api_usage where created_at < now() - p_keep returning 1)
    select count(*) from d;
$$;
