"""Found on imbhargav5/nextbase-nextjs-supabase-starter (``20230116105323_remote_commit.sql``, a 51 kB
``pg_dump`` of the hosted project edited by hand): every ``CREATE TYPE`` is commented out
(``-- CREATE TYPE "public"."team_member_role" AS ENUM ('owner', 'admin', 'member');``) while the
``ALTER TYPE ... OWNER TO`` after it and the tables using the types were kept. Replay said "created by no
earlier migration (made by hand or from a dashboard ...)"; the hint now points at the commented-out
CREATE. A hint naming ``file.sql:100`` and a colon also printed as ``file.sql💯`` (Rich's emoji codes):
the consoles no longer replace ``:name:`` codes."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

DUMP = """-- Name: team_member_role; Type: TYPE; Schema: public; Owner: postgres
--

-- CREATE TYPE "public"."team_member_role" AS ENUM (
--   'owner',
--   'admin',
--   'member'
-- );
ALTER TYPE "public"."team_member_role" OWNER TO "postgres";
CREATE TABLE public.members (id bigint PRIMARY KEY, role public.team_member_role NOT NULL);
-- create table public.not_this_one (id int)  (no semicolon: not a statement; never looked for)
"""


def test_hint_names_the_commented_out_create(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(tmp_path, {"20240101000000_dump.sql": DUMP})
    result = replay_dir(read_dir(str(d)), scratch_server, keep_going=True)
    (root,) = result.root_causes
    assert root.line == 9
    assert "commented-out CREATE does, at 20240101000000_dump.sql:4" in root.hint
    assert "dashboard" not in root.hint
    table = next(f for f in result.failures if f.line == 10)
    assert table.root_cause is not None and table.root_cause.line == 9  # the same missing type


def test_no_commented_create_keeps_the_old_hint(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(tmp_path, {"20240101000000_a.sql": 'ALTER TYPE "public"."nowhere" OWNER TO "postgres";\n'})
    (root,) = replay_dir(read_dir(str(d)), scratch_server, keep_going=True).root_causes
    assert "made by hand or from a dashboard" in root.hint


def test_location_with_colon_prints_as_written(tmp_path: Path, capsys) -> None:
    padding = "\n" * 99
    d = migrations(tmp_path, {"20240101000000_dump.sql": padding + DUMP})
    assert run(["replay", str(d), "--keep-going"]) == 1
    text = capsys.readouterr().out
    assert "at 20240101000000_dump.sql:103: uncomment it" in text
    assert "\N{HUNDRED POINTS SYMBOL}" not in text
