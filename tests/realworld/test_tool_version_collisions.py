"""Two goose files sharing a version (Permify's ``20250912101325_add_multi_tenant_indexes.sql`` and
``20250912101325_add_tenant_scoped_indexes.sql``): replay applied both and said 'applied cleanly', exit 0,
while goose refuses such a directory. The replay now names the collision and what the tool does (exit 1);
golang-migrate's up/down pairs, which share a version by design, are no collision."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run
from pgconsolidate.commands.replay import version_collisions
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

GOOSE = "-- +goose Up\n{}\n-- +goose Down\nSELECT 1;\n"


def test_goose_duplicate_version_is_said(tmp_path: Path, capsys) -> None:
    d = migrations(
        tmp_path,
        {
            "20220101000000_init.sql": GOOSE.format("CREATE TABLE t (id bigint PRIMARY KEY, v int);"),
            "20250912101325_a.sql": GOOSE.format("CREATE INDEX IF NOT EXISTS t_v ON t (v);"),
            "20250912101325_b.sql": GOOSE.format("CREATE INDEX IF NOT EXISTS t_v2 ON t (v, id);"),
        },
    )
    assert run(["replay", str(d), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert not doc["failures"]
    assert doc["version_collisions"] == [
        {
            "file": "20250912101325_b.sql",
            "version": "20250912101325",
            "collides_with": "20250912101325_a.sql",
            "tool": "goose",
        }
    ]
    assert run(["replay", str(d)]) == 1
    assert "goose refuses the whole directory" in capsys.readouterr().out


def test_golang_migrate_up_down_pairs_do_not_collide(tmp_path: Path) -> None:
    d = migrations(
        tmp_path,
        {
            "000001_t.up.sql": "CREATE TABLE t (id bigint PRIMARY KEY);\n",
            "000001_t.down.sql": "DROP TABLE t;\n",
            "000002_u.up.sql": "CREATE TABLE u (id bigint PRIMARY KEY);\n",
            "000002_u.down.sql": "DROP TABLE u;\n",
        },
    )
    mdir = read_dir(d)
    assert str(mdir.tool) == "golang-migrate"
    assert version_collisions(mdir) == []
    assert run(["replay", str(d)]) == 0
