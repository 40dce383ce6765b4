"""Re-export of :mod:`pgconsolidate.scratch.tools` (running client binaries without credentials in argv),
which moved below the proof (``verify`` runs pg_dump and pg_restore too)."""

from pgconsolidate.scratch.tools import first_lines, run_tool, spawn_tool, split_url

__all__ = ["first_lines", "run_tool", "spawn_tool", "split_url"]
