"""A SQL-standard function body (``CREATE FUNCTION ... BEGIN ATOMIC ...; ...; END;``, PostgreSQL 14+, what
pg_dump writes for such functions) is one statement to replay, as the server and psql read it. Was: the
scanner's split cut it at its first semicolon and the replay reported '42601 syntax error at end of input'
for a valid file."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay.units import file_units
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import replay_files, write_dir

FILES = {
    "20240101000000_a.sql": "create table public.t (id int);\n"
    "create function public.n() returns bigint language sql\n"
    "begin atomic\n"
    "  select case when count(*) > 0 then count(*) else 0 end from public.t;\n"
    "  select count(*) from public.t where 'end;' <> 'x';\n"
    "end;\n"
    "create procedure public.p() language sql begin atomic insert into public.t values (1); end;\n"
    "create table public.atomic_things (atomic int);\n",
}


def test_units_keep_the_body_whole(tmp_path: Path) -> None:
    mdir = read_dir(str(write_dir(tmp_path / "m", FILES)))
    units = file_units(mdir.files[0])
    assert [u.line for u in units] == [1, 2, 7, 8]
    assert all(u.parses for u in units)
    assert units[1].text.endswith("end") and "'end;'" in units[1].text


def test_unterminated_body_is_left_for_the_server(tmp_path: Path) -> None:
    files = {
        "1_a.sql": "create function f() returns int language sql begin atomic select 1;\n"
        "create table u (id int);\n"
    }
    units = file_units(read_dir(str(write_dir(tmp_path / "m", files))).files[0])
    assert [u.line for u in units] == [1, 2]


def test_replay_applies_begin_atomic(scratch_server: ScratchServer, tmp_path: Path) -> None:
    result = replay_files(scratch_server, tmp_path / "r", FILES, keep_going=True)
    assert result.ok, [(f.line, f.message) for f in result.failures]
    assert [(f.file, f.statements, f.failed) for f in result.files] == [("20240101000000_a.sql", 4, 0)]
