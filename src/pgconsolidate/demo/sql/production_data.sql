-- Realistic data for the example's production database, generated server-side (fast, deterministic).
--  * 300 auth users (their profiles come from the on_auth_user_created trigger, as in production)
--  * 450 agents, 1,500 agent sessions
--  * 2,000 rows in memories and 2,000 in ai_memories; 240 ids are in BOTH tables with different content
--  * embeddings mostly of 1536 dimensions, plus 768-dimension ones (nomic-embed-text through Ollama) in the
--    dimensionless vector columns, and some rows without an embedding
-- memories and ai_memories are loaded like a bulk import: with session_replication_role = replica, so the
-- pg_net webhook trigger does not fire; embedding_dim is therefore set here, as the trigger would.

SELECT setseed(0.4242);

BEGIN;

INSERT INTO auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data,
                        email_confirmed_at, created_at, updated_at, last_sign_in_at)
SELECT '00000000-0000-0000-0000-000000000000'::uuid,
       md5('user-' || i)::uuid,
       'authenticated', 'authenticated',
       format('%s.%s%s@%s', (ARRAY['anna','ben','chloe','david','emma','felix','grace','hugo','ines','jonas',
                                    'kira','leo','maya','noah','olga','paul','quinn','rosa','sami','tara'])[1 + i % 20],
              (ARRAY['schmidt','martin','rossi','kowalski','nguyen','garcia','smith','müller','dubois','silva'])[1 + i % 10],
              i, (ARRAY['example.com','mail.test','acme.dev','startup.io'])[1 + i % 4]),
       jsonb_build_object('provider', CASE WHEN i % 3 = 0 THEN 'github' ELSE 'email' END,
                          'providers', jsonb_build_array(CASE WHEN i % 3 = 0 THEN 'github' ELSE 'email' END)),
       jsonb_build_object('full_name',
                          initcap((ARRAY['anna','ben','chloe','david','emma','felix','grace','hugo','ines','jonas',
                                         'kira','leo','maya','noah','olga','paul','quinn','rosa','sami','tara'])[1 + i % 20])
                          || ' ' || initcap((ARRAY['schmidt','martin','rossi','kowalski','nguyen','garcia','smith',
                                                   'müller','dubois','silva'])[1 + i % 10]),
                          'avatar_url', format('https://avatars.example.com/u/%s.png', i)),
       now() - (400 - i) * interval '1 day' + interval '5 minutes',
       now() - (400 - i) * interval '1 day',
       now() - (i % 17) * interval '1 day',
       now() - (i % 29) * interval '1 hour'
FROM generate_series(1, 300) AS i;

INSERT INTO public.agents (id, owner_id, name, description, model, system_prompt, config, is_active, created_at)
SELECT md5('agent-' || a)::uuid,
       md5('user-' || (1 + a % 300))::uuid,
       (ARRAY['Research assistant','Inbox triage','Travel planner','Code reviewer','Meal planner',
              'Study buddy','Support bot','Writing coach','Finance helper'])[1 + a % 9] || ' #' || a,
       (ARRAY['Keeps track of papers and notes','Sorts and summarises email','Plans trips and bookings',
              'Reviews pull requests','Suggests weekly menus','Quizzes on course material',
              'Answers product questions','Gives feedback on drafts','Categorises expenses'])[1 + a % 9],
       (ARRAY['gpt-4o-mini','gpt-4o','llama3.2','claude-3-haiku'])[1 + a % 4],
       'You are a helpful assistant. Remember what the user tells you and use it later.',
       jsonb_build_object('temperature', round((0.2 + (a % 7) / 10.0)::numeric, 1), 'memory_window', 20 + a % 30),
       a % 11 <> 0,
       now() - (380 - a % 380) * interval '1 day'
FROM generate_series(1, 450) AS a;

INSERT INTO public.agent_sessions (id, agent_id, user_id, status, context, started_at, ended_at, summary)
SELECT md5('session-' || s)::uuid,
       md5('agent-' || (1 + s % 450))::uuid,
       md5('user-' || (1 + (1 + s % 450) % 300))::uuid,
       CASE WHEN s % 10 = 0 THEN 'active' WHEN s % 10 = 1 THEN 'idle' ELSE 'ended' END,
       jsonb_build_object('channel', (ARRAY['web','slack','api','mobile'])[1 + s % 4], 'turns', 3 + s % 40),
       now() - (s % 300) * interval '1 day' - (s % 24) * interval '1 hour',
       CASE WHEN s % 10 > 1 THEN now() - (s % 300) * interval '1 day' - (s % 24) * interval '1 hour'
                                 + (5 + s % 50) * interval '1 minute' END,
       CASE WHEN s % 10 > 1 THEN 'Discussed ' || (ARRAY['the quarterly report','a trip to Lisbon','a failing test',
            'vegetarian recipes','linear algebra','a refund request','the blog post draft','monthly budget'])[1 + s % 8] END
FROM generate_series(1, 1500) AS s;

COMMIT;

SET session_replication_role = replica;

BEGIN;

-- memories: 2,000 rows; 1,706 embeddings of 1536 dimensions, 214 of 768, 80 without
INSERT INTO public.memories (id, user_id, agent_id, content, memory_type, metadata, embedding, importance,
                             access_count, last_accessed_at, expires_at, created_at, updated_at,
                             embedding_model, embedding_dim)
SELECT md5('memory-' || m)::uuid,
       md5('user-' || (1 + (1 + m % 450) % 300))::uuid,
       CASE WHEN m % 13 = 0 THEN NULL ELSE md5('agent-' || (1 + m % 450))::uuid END,
       format('%s %s %s.',
              (ARRAY['The user','The user''s manager','The user''s partner','The team','The customer'])[1 + m % 5],
              (ARRAY['prefers','asked about','dislikes','is working on','mentioned','wants a reminder about',
                     'booked','is allergic to'])[1 + m % 8],
              (ARRAY['window seats on long flights','the Q3 revenue numbers','meetings before 10am',
                     'a migration to PostgreSQL 17','their daughter''s birthday on 14 March','dark mode everywhere',
                     'peanuts','the Berlin offsite','weekly summaries on Fridays','answers in German',
                     'the pgvector index rebuild','a dentist appointment next Tuesday'])[1 + (m * 7) % 12]),
       (ARRAY['episodic','semantic','procedural','working','reflection','preference'])[1 + m % 6],
       jsonb_build_object('source', (ARRAY['chat','email','import','tool'])[1 + m % 4],
                          'confidence', round((0.5 + (m % 50) / 100.0)::numeric, 2),
                          'tags', jsonb_build_array((ARRAY['work','family','travel','health','food','finance'])[1 + m % 6])),
       CASE WHEN m % 25 = 0 THEN NULL
            ELSE (SELECT array_agg((random() * 2 - 1)::real)
                  FROM generate_series(1, CASE WHEN m % 9 = 0 THEN 768 ELSE 1536 END + 0 * m))::extensions.vector END,
       round((0.1 + (m % 90) / 100.0)::numeric, 2)::real,
       m % 37,
       CASE WHEN m % 37 > 0 THEN now() - (m % 60) * interval '1 day' END,
       CASE WHEN m % 6 = 3 THEN now() + (m % 5) * interval '1 day' END,
       now() - (m % 365) * interval '1 day',
       now() - (m % 200) * interval '1 day',
       CASE WHEN m % 25 = 0 THEN NULL WHEN m % 9 = 0 THEN 'nomic-embed-text' ELSE 'text-embedding-3-small' END,
       CASE WHEN m % 25 = 0 THEN NULL WHEN m % 9 = 0 THEN 768 ELSE 1536 END
FROM generate_series(1, 2000) AS m;

-- ai_memories: 2,000 rows; the first 240 reuse ids of memories with different content (the two tables
-- were written by two code paths; merge_ai_memories() copied some rows over and both were edited since)
INSERT INTO public.ai_memories (id, agent_id, session_id, content, memory_kind, metadata, embedding,
                                importance_score, created_at, updated_at)
SELECT CASE WHEN k <= 240 THEN md5('memory-' || (k * 8))::uuid ELSE md5('ai-memory-' || k)::uuid END,
       md5('agent-' || (1 + k % 450))::uuid,
       CASE WHEN k % 4 = 0 THEN NULL ELSE md5('session-' || (1 + k % 1500))::uuid END,
       format('[%s] %s %s',
              (ARRAY['observation','reflection','plan','fact'])[1 + k % 4],
              (ARRAY['Agent noted that the user','Agent inferred that the user','Summary: the user',
                     'Follow-up: the user'])[1 + k % 4],
              (ARRAY['needs the report by Thursday','travels to Porto in June','switched to a vegan diet',
                     'is preparing for the statistics exam','reported a bug in the billing page',
                     'wants shorter answers','keeps receipts in a shared folder','runs every morning'])[1 + k % 8]),
       (ARRAY['observation','reflection','plan','fact'])[1 + k % 4],
       jsonb_build_object('origin', 'agent-runtime-v1', 'turn', k % 40),
       (SELECT array_agg((random() * 2 - 1)::real)
        FROM generate_series(1, CASE WHEN k % 8 = 0 THEN 768 ELSE 1536 END + 0 * k))::extensions.vector,
       round((0.2 + (k % 80) / 100.0)::numeric, 2),
       now() - (k % 300) * interval '1 day',
       now() - (k % 100) * interval '1 day'
FROM generate_series(1, 2000) AS k;

COMMIT;

RESET session_replication_role;

ANALYZE public.memories;
ANALYZE public.ai_memories;
