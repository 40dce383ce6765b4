"""Found on a Supabase project (and Supabase's own docs): ``create extension moddatetime`` and ``BEFORE
UPDATE ... EXECUTE PROCEDURE moddatetime(updated_at)`` triggers. The scratch server has no moddatetime,
so replay skipped the extension and every trigger, and consolidate could prove nothing about them ("NOT
verified"). Its one function is a trigger that PL/pgSQL can compute exactly: a stand-in now takes its
place. It sets the column to now() (timestamp or timestamptz) and refuses what the C function refuses."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgconsolidate.replay.runner import discard, replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

FILES = {
    "20240101000000_notes.sql": (
        "create extension if not exists moddatetime with schema extensions;\n"
        "create table public.notes (id int primary key, body text, updated_at timestamptz,\n"
        "  touched timestamp, label text);\n"
        "create trigger notes_updated before update on public.notes\n"
        "  for each row execute procedure extensions.moddatetime(updated_at);\n"
        "create trigger notes_touched before update on public.notes\n"
        "  for each row execute procedure extensions.moddatetime(touched);\n"
    )
}


def test_triggers_run_as_moddatetime_does(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(tmp_path, FILES, sub="supabase/migrations")
    result = replay_dir(read_dir(str(d)), scratch_server, keep=True)
    try:
        assert result.ok and not result.skipped
        assert [s.extension for s in result.stand_ins if s.extension == "moddatetime"] == ["moddatetime"]
        assert result.url is not None
        with psycopg.connect(result.url) as conn:
            conn.execute("insert into public.notes (id, body) values (1, 'a')")
            row = conn.execute(
                "update public.notes set body = 'b' where id = 1 "
                "returning updated_at = now(), touched = now()::timestamp"
            ).fetchone()
            assert row == (True, True)
            conn.rollback()
            # what the C function refuses
            for sql, message in (
                (
                    "create trigger bad_insert before insert on public.notes for each row "
                    "execute procedure extensions.moddatetime(updated_at)",
                    "cannot process INSERT events",
                ),
                (
                    "create trigger bad_type before update on public.notes for each row "
                    "execute procedure extensions.moddatetime(label)",
                    "must be of TIMESTAMP or TIMESTAMPTZ type",
                ),
            ):
                conn.execute(sql)
                with pytest.raises(psycopg.Error, match=message):
                    conn.execute("insert into public.notes (id) values (2)")
                    conn.execute("update public.notes set body = 'c' where id = 2")
                conn.rollback()
    finally:
        discard(scratch_server, result)
