-- Enable required extensions.
-- (vector was switched on from the dashboard for prod; this makes local
-- `supabase start` work too.)
create extension if not exists vector with schema extensions;
