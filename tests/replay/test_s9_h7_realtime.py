"""Realtime authorization on the Supabase base (session 9, H7): projects write policies on
``realtime.messages`` and call ``realtime.topic()``, ``realtime.send(...)`` and
``realtime.broadcast_changes(...)``; the scratch base now has them (the platform's columns, key,
partitioning, row level security and signatures), they stay out of snapshots with the platform's schema,
and the project's own policies on ``realtime.messages`` are compared, consolidated and proven."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.cli import run
from pgconsolidate.replay import replay_dir, replay_to_snapshot
from pgconsolidate.replay.needs import supabase_reasons
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.scratch.supabase import install_supabase_base
from pgconsolidate.sources.reader import read_dir

from .helpers import write_dir

FILE = """\
create table public.rooms (id uuid primary key default gen_random_uuid(), name text not null);
alter table public.rooms enable row level security;
create function public.rooms_broadcast() returns trigger language plpgsql security definer
  set search_path = '' as $$
begin
  perform realtime.broadcast_changes('room:' || coalesce(new.id, old.id)::text, tg_op, tg_op,
    tg_table_name, tg_table_schema, new, old);
  return null;
end $$;
create trigger rooms_broadcast after insert or update or delete on public.rooms
  for each row execute function public.rooms_broadcast();
create policy "members receive" on realtime.messages for select to authenticated
  using ((select realtime.topic()) like 'room:%' and extension in ('broadcast', 'presence'));
create policy "members send" on realtime.messages for insert to authenticated
  with check ((select realtime.topic()) like 'room:%');
create function public.ping(t text) returns void language sql
  as $$ select realtime.send('{"kind": "ping"}'::jsonb, 'ping', t, true) $$;
insert into public.rooms (name) values ('lobby');
"""
FILES = {"20250101000000_realtime.sql": FILE}


def test_replay_builds_realtime_authorization(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = write_dir(tmp_path / "m", FILES)
    result = replay_dir(read_dir(str(d)), scratch_server)
    assert result.failures == ()
    assert result.supabase_base
    # a chain whose only Supabase object is Realtime's table gets the base too
    only = write_dir(
        tmp_path / "only",
        {"1_p.sql": "create policy p on realtime.messages for select using (realtime.topic() = 'x');\n"},
    )
    assert supabase_reasons(read_dir(str(only))) == (
        "Realtime (realtime.messages, topic(), send(), broadcast_changes())",
    )
    assert replay_dir(read_dir(str(only)), scratch_server).failures == ()


def test_base_has_the_platform_shape(scratch_db: str) -> None:
    install_supabase_base(scratch_db)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        cols = [
            r[0]
            for r in conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = 'realtime.messages'::regclass"
                " AND attnum > 0 ORDER BY attnum"
            )
        ]
        assert cols == [
            "topic", "extension", "payload", "event", "private", "updated_at", "inserted_at", "id"
        ]  # fmt: skip
        row = conn.execute(
            "SELECT relkind, relrowsecurity FROM pg_class WHERE oid = 'realtime.messages'::regclass"
        ).fetchone()
        assert row == ("p", True)
        for sig in (
            "realtime.topic()",
            "realtime.send(jsonb, text, text, boolean)",
            "realtime.broadcast_changes(text, text, text, text, text, record, record, text)",
        ):
            found = conn.execute("SELECT to_regprocedure(%s) IS NOT NULL", [sig]).fetchone()
            assert found == (True,), sig
        assert conn.execute(
            "SELECT has_table_privilege('authenticated', 'realtime.messages', 'SELECT, INSERT, UPDATE')"
        ).fetchone() == (True,)
        conn.execute("SET realtime.topic = 'room:1'")
        assert conn.execute("SELECT realtime.topic()").fetchone() == ("room:1",)
        # no partition on scratch: the message is not stored, and send() says so without failing
        notices: list[str] = []
        conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
        conn.execute("SELECT realtime.send('{}'::jsonb, 'e', 'room:1')")
        assert any("not stored" in n for n in notices), notices


def test_snapshot_keeps_the_projects_policies_not_the_platforms_objects(
    tmp_path: Path, scratch_server: ScratchServer
) -> None:
    d = write_dir(tmp_path / "m", FILES)
    snap = replay_to_snapshot(str(d))
    policies = {p.identity for p in snap.policies}
    assert {"realtime.messages.members receive", "realtime.messages.members send"} <= policies
    assert not any(t.identity.startswith("realtime.") for t in snap.tables)
    assert not any(f.identity.startswith("realtime.") for f in snap.functions)


def _production(url: str, *extra: str) -> None:
    install_supabase_base(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(FILE.encode())
        conn.execute(
            "INSERT INTO supabase_migrations.schema_migrations (version, name)"
            " VALUES ('20250101000000', 'realtime')"
        )
        for sql in extra:
            conn.execute(sql.encode())


def test_production_without_a_realtime_policy_is_a_difference(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d = write_dir(tmp_path / "m", FILES)
    _production(scratch_db, 'drop policy "members send" on realtime.messages')
    snap = read_snapshot(scratch_db)
    assert not any(t.identity == "realtime.messages" for t in snap.tables)
    capsys.readouterr()
    assert run(["inspect", "--database-url", scratch_db, "--against", str(d)]) == 1
    out = capsys.readouterr().out
    assert '- policy realtime.messages."members send" (only in the files)' in out, out
    assert "members receive" not in out


def test_consolidate_against_production_carries_the_realtime_policies(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d = write_dir(tmp_path / "m", FILES)
    _production(scratch_db)
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "--database-url", scratch_db, "-o", str(plan)]) == 0
    capsys.readouterr()
    rc = run(["consolidate", str(d), "--plan", str(plan), "--out", str(out), "--database-url", scratch_db])
    text = capsys.readouterr().out
    assert rc == 0, text
    assert "restore:" not in text and "not copied" not in text, text
    clean = "\n".join(p.read_text() for p in sorted((out / "migrations").glob("*.sql")))
    assert 'CREATE POLICY "members receive" ON "realtime"."messages"' in clean
    assert 'CREATE POLICY "members send" ON "realtime"."messages"' in clean
    assert 'TABLE "realtime"."messages"' not in clean and "TABLE realtime.messages" not in clean
    assert "broadcast_changes(text" not in clean  # the platform's functions are not the project's
    manifest = json.loads((out / "pgconsolidate-output.json").read_text())
    assert manifest["verified"] is True
