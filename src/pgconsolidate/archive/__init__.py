"""The archive of the old migration files, its manifest, and ``restore-files``."""
