"""Found on hero-org/herocast (``20250623223000_fix_auto_interactions_cron.sql``): a ``/* ... */`` block
keeps an old ``cron.schedule('job', '*/10 * * * *', ...)`` call. The ``*/`` inside the quoted cron
expression ends the comment for PostgreSQL, so the rest of the file is read as SQL and the migration fails
(``syntax error at or near "10"``). libpg_query's scanner stops at the resulting unterminated quote; replay
then sent only the text up to the first semicolon, ``DROP FUNCTION IF EXISTS f();``, which succeeded: the
file was "applied", the CREATE FUNCTION that follows was never run and nothing said so. Now everything from
the last semicolon before the scanner's stop is one statement, sent as written, and the failure names the
line PostgreSQL points at."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.replay.units import file_units
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

FIX = """-- replace the function
drop function if exists public.tick();

create or replace function public.tick() returns int language sql as $$ select 2 $$;

/*
select cron.schedule(
  'tick',
  '*/10 * * * *',
  $$ select public.tick(); $$
);
*/

comment on function public.tick() is 'Runs every ten minutes.';
"""


def _dir(tmp_path: Path) -> Path:
    return migrations(
        tmp_path,
        {
            "20240101000000_a.sql": "create function public.tick() returns int language sql return 1",
            "20240102000000_fix.sql": FIX,
        },
    )


def test_rest_of_file_is_one_statement(tmp_path: Path) -> None:
    mdir = read_dir(str(_dir(tmp_path)))
    units = file_units(next(f for f in mdir.files if f.path.endswith("_fix.sql")))
    assert len(units) == 1
    assert units[0].line == 2 and not units[0].parses
    assert "create or replace function public.tick()" in units[0].text
    assert units[0].text.rstrip().endswith("'Runs every ten minutes.';")


def test_replay_reports_the_file_failed(tmp_path: Path, scratch_server: ScratchServer) -> None:
    result = replay_dir(read_dir(str(_dir(tmp_path))), scratch_server, keep_going=True)
    outcome = {o.file: o.status for o in result.files}
    assert outcome["20240102000000_fix.sql"] == "failed"
    (failure,) = [f for f in result.failures if f.file == "20240102000000_fix.sql"]
    assert failure.line == 2
    assert failure.sqlstate == "42601"
    assert "(at line 9)" in failure.message


def test_statements_before_the_scanner_stop_still_cut(tmp_path: Path) -> None:
    # a statement whose quote never ends: the statements before it are still units of their own
    d = migrations(tmp_path, {"20240101000000_a.sql": "create table t (id int);\nselect 'oops;\n"})
    units = file_units(read_dir(str(d)).files[0])
    assert [u.line for u in units] == [1, 2]
    assert units[0].parses and not units[1].parses
