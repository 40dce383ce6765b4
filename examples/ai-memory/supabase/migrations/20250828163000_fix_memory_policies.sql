-- Clean up duplicated memories policies (two sets since the v2 memory API).
-- service_role bypasses RLS anyway, the explicit policy only confused people.
-- dana.w 2025-08-28

DROP POLICY IF EXISTS "Service role full access to memories" ON public.memories;
DROP POLICY "Users can CRUD own memories" ON public.memories;

ALTER POLICY "Users can update own memories" ON public.memories
    WITH CHECK (auth.uid() = user_id);
