"""compare shows where a changed function body differs (session 9, H7): the first differing lines of the
two normalised bodies, as a short unified diff under the function's line (and as ``diff`` in JSON), from
each side that still has the bodies (a database, the migration files, a snapshot file that kept them:
test_s10_h5_snapshot_bodies.py)."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.cli import run
from pgconsolidate.compare.bodies import LIMIT, body_diff

V1 = """\
create function public.score(a int, b int) returns int language plpgsql as $$
declare
  total int := 0;
begin
  total := a + b;
  return total;
end $$;
create function public."Same"() returns int language sql as 'select 1';
"""
V2 = V1.replace("total := a + b;", "total := a * b;  -- weighted")


def _dir(tmp_path: Path, name: str, text: str) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "20240101000000_score.sql").write_text(text)
    return d


def test_database_against_files_shows_the_lines(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _dir(tmp_path, "m", V1)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(V2.encode())
    capsys.readouterr()
    assert run(["compare", str(d), scratch_db]) == 1
    out = capsys.readouterr().out
    assert "~ function public.score(integer, integer): body_hash: sha256:" in out
    assert "    -  total := a + b;" in out
    assert "    +  total := a * b;  -- weighted" in out
    assert "Same" not in out
    assert run(["compare", str(d), scratch_db, "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    (fn,) = [x for x in doc["differences"] if x["kind"] == "function"]
    (body,) = [a for a in fn["attributes"] if a["name"] == "body_hash"]
    assert "-  total := a + b;" in body["diff"] and "+  total := a * b;  -- weighted" in body["diff"]


def test_two_databases_and_a_snapshot_file(
    tmp_path: Path, scratch_db: str, scratch_server, capsys: pytest.CaptureFixture[str]
) -> None:
    from pgconsolidate.scratch import throwaway_database

    with throwaway_database(scratch_server) as other:
        with psycopg.connect(scratch_db, autocommit=True) as conn:
            conn.execute(V1.encode())
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute(V2.encode())
        capsys.readouterr()
        assert run(["compare", scratch_db, other]) == 1
        out = capsys.readouterr().out
        assert "    +  total := a * b;  -- weighted" in out
        snap = tmp_path / "a.json"
        assert run(["inspect", "--database-url", scratch_db, "--output", str(snap)]) == 0
        capsys.readouterr()
        assert run(["compare", str(snap), other]) == 1  # a snapshot file keeps the bodies (session 10)
        out = capsys.readouterr().out
        assert "~ function public.score(integer, integer): body_hash" in out
        assert "    -  total := a + b;" in out and "    +  total := a * b;  -- weighted" in out


def test_diff_is_capped() -> None:
    before = "\n".join(f"line {i}" for i in range(100))
    after = "\n".join(f"LINE {i}" for i in range(100))
    lines = body_diff(before, after)
    assert len(lines) == LIMIT + 1
    assert lines[-1].startswith("... ") and lines[-1].endswith("more diff line(s)")
    assert body_diff("a\n  b  \n", "a\n  b\n") == ()  # trailing spaces are not a change


def test_inspect_against_shows_the_lines(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _dir(tmp_path, "m", V1)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(V2.encode())
    capsys.readouterr()
    assert run(["inspect", "--database-url", scratch_db, "--against", str(d)]) == 1
    out = capsys.readouterr().out
    assert "    --- the files\n    +++ the database\n" in out
    assert "    +  total := a * b;  -- weighted" in out
