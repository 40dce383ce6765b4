-- Full text search on memories + hybrid_search v2 (rank fusion)
-- Marek K. 2025-03-05, generated with `supabase migration new add_memory_fts`

alter table public.memories
  add column if not exists fts tsvector
  generated always as (to_tsvector('english', content)) stored;

create index if not exists idx_memories_fts on public.memories using gin (fts);

-- return type changes (adds rank columns) so drop first
drop function if exists public.hybrid_search(text, vector, integer);

create function public.hybrid_search(
  query_text text,
  query_embedding vector(1536),
  match_count integer default 10
)
returns table (id uuid, content text, similarity float, text_rank real, score float)
language sql
stable
security definer
as $$
  with semantic as (
    select m.id, 1 - (m.embedding <=> query_embedding) as similarity,
           row_number() over (order by m.embedding <=> query_embedding) as rank_ix
    from public.memories m
    where m.user_id = auth.uid() and m.embedding is not null
    order by m.embedding <=> query_embedding
    limit match_count * 2
  ),
  full_text as (
    select m.id, ts_rank_cd(m.fts, websearch_to_tsquery(query_text)) as text_rank,
           row_number() over (order by ts_rank_cd(m.fts, websearch_to_tsquery(query_text)) desc) as rank_ix
    from public.memories m
    where m.user_id = auth.uid() and m.fts @@ websearch_to_tsquery(query_text)
    limit match_count * 2
  )
  select m.id, m.content, s.similarity, f.text_rank,
         (coalesce(1.0 / (50 + s.rank_ix), 0.0) + coalesce(1.0 / (50 + f.rank_ix), 0.0))::float as score
  from semantic s
  full outer join full_text f on f.id = s.id
  join public.memories m on m.id = coalesce(s.id, f.id)
  order by score desc
  limit match_count;
$$;

grant execute on function public.hybrid_search(text, vector, integer) to authenticated;
