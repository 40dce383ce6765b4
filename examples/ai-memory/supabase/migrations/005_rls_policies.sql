-- 005_rls_policies.sql
-- Row level security for the memory tables (dana.w, 2024-12-16)

-- memories: users only ever see their own rows
CREATE POLICY "Users can view own memories" ON memories
    FOR SELECT USING (auth.uid() = user_id);

CREATE POLICY "Users can insert own memories" ON memories
    FOR INSERT WITH CHECK (auth.uid() = user_id);

CREATE POLICY "Users can update own memories" ON memories
    FOR UPDATE USING (auth.uid() = user_id);

CREATE POLICY "Users can delete own memories" ON memories
    FOR DELETE USING (auth.uid() = user_id);

-- the worker uses the service key
CREATE POLICY "Service role full access to memories" ON memories
    FOR ALL USING (auth.role() = 'service_role');

-- sessions / tasks: visible to the owner of the agent
CREATE POLICY "Agent owners see sessions" ON agent_sessions
    FOR SELECT USING (
        EXISTS (SELECT 1 FROM agents a WHERE a.id = agent_sessions.agent_id AND a.owner_id = auth.uid())
    );

CREATE POLICY "Agent owners manage tasks" ON agent_tasks
    FOR ALL USING (
        EXISTS (SELECT 1 FROM agents a WHERE a.id = agent_tasks.agent_id AND a.owner_id = auth.uid())
    );

CREATE POLICY "Users see links between own memories" ON memory_links
    FOR SELECT USING (
        EXISTS (SELECT 1 FROM memories m WHERE m.id = memory_links.source_id AND m.user_id = auth.uid())
    );

-- lookup table is readable by everyone, writable by admins only
CREATE POLICY "Memory types are public" ON memory_types
    FOR SELECT USING (true);

CREATE POLICY "Admins manage memory types" ON memory_types
    FOR ALL USING ((auth.jwt() -> 'app_metadata' ->> 'role') = 'admin');

GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
GRANT ALL ON ALL TABLES IN SCHEMA public TO anon, authenticated, service_role;
GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO anon, authenticated, service_role;
