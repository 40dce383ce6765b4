"""pgconsolidate: consolidate a chaotic PostgreSQL / Supabase migration directory safely."""

__version__ = "0.1.0"
