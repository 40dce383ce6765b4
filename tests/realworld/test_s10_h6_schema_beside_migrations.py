"""Found on a Supabase project that keeps its base schema in ``supabase/schema.sql`` (applied by hand) and
only later changes in ``supabase/migrations``: replay said of every missing table "created by no earlier
migration (made by hand or from a dashboard ...)". A ``.sql`` file next to a ``migrations`` directory that
creates the missing object is now named in the hint (``../schema.sql``), and ``seed.sql`` with what the
Supabase CLI does with it."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations


def test_hint_names_the_file_beside(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(
        tmp_path,
        {
            "20260212032744_harden.sql": "alter table public.chat_rooms add column name text;\n",
            "20260213000000_more.sql": "alter table public.reactions add column emoji text;\n",
        },
        sub="supabase/migrations",
    )
    (tmp_path / "supabase" / "schema.sql").write_text(
        "create table public.chat_rooms (id uuid primary key);\n"
    )
    (tmp_path / "supabase" / "seed.sql").write_text("create table public.reactions (id int);\n")
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=True)
    first, second = result.failures
    assert "only ../schema.sql creates it" in first.hint and "applied by hand" in first.hint
    assert "only ../seed.sql creates it" in second.hint and "after the migrations on db reset" in second.hint


def test_other_directory_names_are_not_looked_beside(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(
        tmp_path, {"001_a.sql": "alter table public.chat_rooms add column name text;\n"}, sub="sql"
    )
    (tmp_path / "schema.sql").write_text("create table public.chat_rooms (id uuid primary key);\n")
    (failure,) = replay_dir(read_dir(str(d)), scratch_server, keep_going=True).failures
    assert "schema.sql" not in failure.hint
