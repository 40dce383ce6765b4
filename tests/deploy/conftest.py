"""Fixtures of the deploy tests: a realistic Supabase-like database and a migrations directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.fixture import build_database, write_migrations
from pgconsolidate.scratch import ScratchServer, throwaway_database


@pytest.fixture
def prod_db(scratch_server: ScratchServer) -> Iterator[str]:
    with throwaway_database(scratch_server) as url:
        build_database(url)
        yield url


@pytest.fixture
def migrations(tmp_path: Path) -> Path:
    return write_migrations(tmp_path)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run with the temporary directory as the working directory (backups go to .pgconsolidate/)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
