"""learning-core-api's goose production at version 8 (+ a stray row for 9) while the files went to 13:
`plan --database-url` said 'schema_templates is created at 0009... but neither a fresh replay of the files
nor the live database has it' (the replay has it), proposed indexes over columns only the live database
still had (artifacts.document_id, dropped by 0011) so that `consolidate` refused the plan `plan` had just
written, and consolidate would have written a clean set describing the database without 0010-0013, their
changes archived and applied nowhere. Now: no such note, such indexes are left out with a note, and
consolidate refuses while the newest files are not applied (nothing written)."""

from __future__ import annotations

from pathlib import Path

import psycopg

from pgconsolidate.cli import run
from pgconsolidate.replay.runner import replay_into
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

_FILES = {
    "0001_a.sql": "-- +goose Up\nCREATE TABLE a (id int PRIMARY KEY);\n"
    "CREATE TABLE b (id int PRIMARY KEY);\n",
    "0002_c.sql": "-- +goose Up\nCREATE TABLE c (id int PRIMARY KEY, note text);\n",
}


def _production(d: Path, url: str, versions: tuple[int, ...]) -> None:
    assert replay_into(url, read_dir(str(d))).ok
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, "
            "is_applied boolean NOT NULL, tstamp timestamp DEFAULT now())"
        )
        for v in (0, *versions):
            conn.execute("INSERT INTO goose_db_version (version_id, is_applied) VALUES (%s, true)", (v,))
        conn.execute("ALTER TABLE b ADD COLUMN a_id int REFERENCES a (id)")  # by hand, no index


def test_plan_leaves_out_indexes_the_files_cannot_build(tmp_path: Path, scratch_db: str, capsys) -> None:
    d = migrations(tmp_path, _FILES)
    _production(d, scratch_db, (1, 2))
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "--database-url", scratch_db, "-o", str(plan)]) == 0
    text = plan.read_text()
    assert "public.b (a_id) not proposed: the live database has column a_id" in " ".join(text.split())
    assert "neither a fresh replay" not in text
    assert (
        run(["consolidate", str(d), "--plan", str(plan), "--database-url", scratch_db, "--out", str(out)])
        == 0
    )


def test_consolidate_refuses_while_newest_files_are_pending(tmp_path: Path, scratch_db: str, capsys) -> None:
    d = migrations(tmp_path, _FILES)
    _production(d, scratch_db, (1,))
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("DROP TABLE c")  # 0002 never ran there
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "--database-url", scratch_db, "-o", str(plan)]) == 0
    assert "neither a fresh replay" not in plan.read_text()
    capsys.readouterr()
    assert (
        run(["consolidate", str(d), "--plan", str(plan), "--database-url", scratch_db, "--out", str(out)])
        == 2
    )
    err = capsys.readouterr().err
    assert "1 file(s) newer than what public.goose_db_version (goose) records as applied" in err
    assert "0002_c.sql" in err and "nothing was written" in err
    assert not out.exists()
