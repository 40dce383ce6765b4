"""Shared fixtures: a real PostgreSQL (the embedded one, or $PGCONSOLIDATE_SCRATCH_URL), never a mock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pgconsolidate.scratch import ScratchServer, get_scratch_server, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ai-memory"
EXAMPLE_MIGRATIONS = EXAMPLE / "supabase" / "migrations"


@pytest.fixture(scope="session")
def scratch_server() -> ScratchServer:
    return get_scratch_server()


@pytest.fixture
def scratch_db(scratch_server: ScratchServer) -> Iterator[str]:
    """URL of an empty database that is dropped after the test."""
    with throwaway_database(scratch_server) as url:
        yield url
