"""A snapshot file keeps its functions' normalised bodies (session 10, H5), so compare shows where a
changed body differs when one side (or both) is a file written by ``inspect --output`` / ``--format json``;
the bodies are not part of the schema (an older file without them compares the same, only without the
lines), a body must hash to its key, and a file without them is unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.catalog import read_snapshot, read_snapshot_file, snapshot_to_json
from pgconsolidate.catalog.serialize import snapshot_from_json
from pgconsolidate.cli import run
from pgconsolidate.compare import diff_snapshots
from pgconsolidate.scratch import ScratchServer, throwaway_database

V1 = """\
create function public.score(a int, b int) returns int language plpgsql as $$
declare
  total int := 0;
begin
  total := a + b;
  return total;
end $$;
create function public.same() returns int language sql as 'select 1';
"""
V2 = V1.replace("total := a + b;", "total := a - b;")


def _inspect_to(url: str, path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert run(["inspect", "--database-url", url, "--output", str(path)]) == 0
    capsys.readouterr()
    doc: dict = json.loads(path.read_text())
    return doc


def test_two_snapshot_files_show_the_lines(
    tmp_path: Path, scratch_server: ScratchServer, capsys: pytest.CaptureFixture[str]
) -> None:
    with throwaway_database(scratch_server) as a, throwaway_database(scratch_server) as b:
        for url, text in ((a, V1), (b, V2)):
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(text.encode())
        doc = _inspect_to(a, tmp_path / "a.json", capsys)
        _inspect_to(b, tmp_path / "b.json", capsys)
        (score,) = [f for f in doc["objects"]["functions"] if f["identity"].startswith("public.score")]
        assert "total := a + b;" in doc["bodies"][score["body_hash"]]
        assert len(doc["bodies"]) == 2  # every function's, by hash
        assert run(["compare", str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 1
        out = capsys.readouterr().out
        assert "    -  total := a + b;" in out and "    +  total := a - b;" in out
        # --format json writes them too
        assert run(["inspect", "--database-url", b, "--format", "json"]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert any("total := a - b;" in text for text in printed["bodies"].values())


def test_the_bodies_are_not_the_schema(tmp_path: Path, scratch_db: str) -> None:
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(V1.encode())
    snap = read_snapshot(scratch_db)
    assert not snap.bodies  # a snapshot read from a catalog keeps none (nor its file, nor its fingerprint)
    assert '"bodies"' not in snapshot_to_json(snap)
    from pgconsolidate.commands.compare import with_function_bodies

    kept = with_function_bodies(snap, scratch_db)
    assert len(kept.bodies) == 2
    assert kept == snap and diff_snapshots(kept, snap).equivalent  # not compared: the hashes are
    path = tmp_path / "s.json"
    path.write_text(snapshot_to_json(kept))
    back = read_snapshot_file(path)
    assert back == snap and back.bodies == kept.bodies
    # an older file (no bodies) still reads, and compares the same
    doc = json.loads(path.read_text())
    del doc["bodies"]
    assert snapshot_from_json(json.dumps(doc)) == snap


def test_a_body_that_does_not_hash_to_its_key_is_refused(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(V1.encode())
    path = tmp_path / "s.json"
    doc = _inspect_to(scratch_db, path, capsys)
    key = next(iter(doc["bodies"]))
    doc["bodies"][key] = "select 2"
    path.write_text(json.dumps(doc))
    assert run(["compare", str(path), str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"bodies.{key}: the text does not hash to its key" in err[0]
    doc["bodies"] = ["not", "an", "object"]
    path.write_text(json.dumps(doc))
    assert run(["compare", str(path), str(path)]) == 2
    assert "bodies is not an object" in capsys.readouterr().err


def test_replay_snapshot_against_a_changed_chain_shows_the_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for d, text in ((old, V1), (new, V2)):
        d.mkdir()
        (d / "20240101000000_score.sql").write_text(text)
    snap = tmp_path / "old.json"
    assert run(["replay", str(old), "--snapshot", str(snap)]) == 0
    assert len(json.loads(snap.read_text())["bodies"]) == 2
    capsys.readouterr()
    assert run(["compare", str(snap), str(new)]) == 1
    out = capsys.readouterr().out
    assert "~ function public.score(integer, integer): body_hash" in out
    assert "    -  total := a + b;" in out and "    +  total := a - b;" in out


def test_every_kind_of_body_is_kept(scratch_db: str) -> None:
    """The bodies are read apart from the catalog query that hashes them (matched by hash): each kind of
    routine's body must be spelled the same way there, or its lines would silently not be shown."""
    from pgconsolidate.commands.compare import with_function_bodies

    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(
            V1.encode()
            + b"""
create function public.atomic(a int) returns int language sql begin atomic select a + 1; end;
create procedure public.proc() language plpgsql as $$ begin perform 1; end $$;
create function public.untidy() returns int language plpgsql as $$
begin   \r
  return 1;\t
end $$;
create aggregate public.total(int) (sfunc = int4pl, stype = int, initcond = '0');
create function public.c_level(cstring) returns int language internal immutable strict as 'int4in';
"""
        )
    snap = read_snapshot(scratch_db)
    kept = with_function_bodies(snap, scratch_db)
    assert {f.body_hash for f in snap.functions} == set(kept.bodies)  # type: ignore[attr-defined]
    assert len(snap.functions) == 7
