"""Two pgconsolidate versions replaying Supabase directories on one scratch server at the same time (found
while this session changed the Supabase base under running tests): one drops the other's freshly built
template as "stale" before the other copies it, and that replay failed with 'template database ... does not
exist'. The copy now rebuilds the template once and retries."""

from __future__ import annotations

import psycopg
import pytest

from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch import supabase as base
from pgconsolidate.scratch.databases import drop_database


def test_a_template_dropped_under_us_is_rebuilt(
    scratch_server: ScratchServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = base.ensure_supabase_template
    calls: list[str] = []

    def first_one_was_dropped(server: ScratchServer) -> str:
        name = real(server)
        calls.append(name)
        return name if len(calls) > 1 else name + "_gone"  # as if dropped right after being built

    monkeypatch.setattr(base, "ensure_supabase_template", first_one_was_dropped)
    url = base.supabase_database(scratch_server)
    try:
        assert len(calls) == 2
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT to_regclass('auth.users') IS NOT NULL").fetchone() == (True,)
    finally:
        drop_database(scratch_server, url.split("/")[-1].split("?")[0])
