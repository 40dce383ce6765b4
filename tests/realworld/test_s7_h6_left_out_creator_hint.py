"""Found on a Supabase project whose ``005b_create_sneakers_table.sql`` has no plain version prefix: the
Supabase CLI (and pgconsolidate) leave it out, so every later statement on ``sneakers`` fails. Replay
gave each of those 31 failures the hint "created by no earlier migration (made by hand or from the
dashboard?)"; the cause is the left-out file, and the hint now names it and why it is not run."""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.replay.objects import Key
from pgconsolidate.replay.outside import OutsideFile, created_outside, creators_in
from pgconsolidate.replay.runner import replay_dir
from pgconsolidate.scratch import ScratchServer
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations


def test_creators_in_and_created_outside() -> None:
    keys = creators_in(
        "CREATE TABLE s.t (a int);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';"
    )
    assert Key("relation", "t", "s") in keys and Key("function", "f", "public") in keys
    assert creators_in("CREATE TABLE (") == ()
    outside = (OutsideFile("x.sql", "disabled", keys),)
    assert created_outside((Key("relation", "t"),), outside) == outside[0]
    assert created_outside((Key("relation", "u"),), outside) is None


def test_replay_names_the_left_out_file(tmp_path: Path, scratch_server: ScratchServer) -> None:
    d = migrations(
        tmp_path,
        {
            "001_core.sql": "CREATE TABLE products (id int PRIMARY KEY);\n",
            "005b_create_sneakers.sql": "CREATE TABLE sneakers (id int PRIMARY KEY, fit int);\n",
            "006_photos.sql": (
                "CREATE TABLE photos (id int PRIMARY KEY, sneaker_id int REFERENCES sneakers (id));\n"
            ),
            "007_drop_fit.sql": "-- no longer needed\nALTER TABLE sneakers DROP COLUMN IF EXISTS fit;\n",
            "008_down.down.sql": "CREATE TABLE orders (id int);\n",
            "009_orders.sql": "ALTER TABLE orders ADD COLUMN note text;\n",
        },
    )
    mdir = read_dir(str(d))
    assert "005b_create_sneakers.sql" in {lo.path for lo in mdir.left_out}
    result = replay_dir(mdir, scratch_server, keep_going=True)
    hints = {(f.file, f.line): f.hint for f in result.failures}
    for where in (("006_photos.sql", 1), ("007_drop_fit.sql", 2)):
        assert hints[where].startswith("missing object: only 005b_create_sneakers.sql creates it"), hints[
            where
        ]
        assert "name has no version prefix" in hints[where]
    # the Supabase CLI runs 008_down.down.sql (its name matches <digits>_<name>.sql), so orders exists
    assert [f.path for f in mdir.files][-2:] == ["008_down.down.sql", "009_orders.sql"]
    assert ("009_orders.sql", 1) not in hints
