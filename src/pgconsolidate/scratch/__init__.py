"""Scratch PostgreSQL: the embedded server (or ``--scratch-url``) and throwaway databases on it."""

from pgconsolidate.scratch.databases import create_database, drop_database, throwaway_database
from pgconsolidate.scratch.server import ScratchServer, get_scratch_server, tool_path

__all__ = [
    "ScratchServer",
    "create_database",
    "drop_database",
    "get_scratch_server",
    "throwaway_database",
    "tool_path",
]
