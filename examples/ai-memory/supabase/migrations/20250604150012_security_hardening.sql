-- Security review follow-ups (ticket SEC-14, reviewer: Ines M.)
-- Marek K. 2025-06-04
--
-- 1. vector_search does not need to bypass RLS, it filters by auth.uid() anyway.
-- 2. pin search_path on the definers that are exposed to anon.
-- 3. maintenance functions must not be callable from the API.
-- TODO: the remaining definers (there are ~30 of them...)

ALTER FUNCTION public.vector_search(vector, double precision, integer) SECURITY INVOKER;

ALTER FUNCTION public.search_memories(text, integer) SET search_path = public, extensions;
ALTER FUNCTION public.log_api_usage(text, integer) SET search_path = public;
ALTER FUNCTION public.check_rate_limit(text, integer) SET search_path = public;

REVOKE EXECUTE ON FUNCTION public.cleanup_expired_memories() FROM anon, authenticated;
REVOKE EXECUTE ON FUNCTION public.decay_memory_importance(double precision) FROM anon, authenticated;
REVOKE EXECUTE ON FUNCTION public.merge_ai_memories() FROM anon, authenticated;
REVOKE ALL ON TABLE public.api_usage FROM anon;
