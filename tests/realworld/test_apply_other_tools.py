"""``apply OUTDIR`` of a consolidate output made for dbmate or Flyway treated the output as a Supabase
one: it created ``supabase_migrations.schema_migrations`` in a database no Supabase CLI manages, and said it
kept history there. The output's manifest names the owning tool; its history_repair.sql writes that tool's
table."""

from __future__ import annotations

from pathlib import Path

import psycopg

from pgconsolidate.cli import run
from pgconsolidate.replay.runner import replay_into
from pgconsolidate.sources.reader import read_dir

_VERSIONS = ("20240101000000", "20240102000000")


def _dbmate_dir(tmp_path: Path) -> Path:
    d = tmp_path / "db" / "migrations"
    d.mkdir(parents=True)
    (d / f"{_VERSIONS[0]}_notes.sql").write_text(
        "-- migrate:up\nCREATE TABLE notes (id bigint PRIMARY KEY, body text);\n\n"
        "-- migrate:down\nDROP TABLE notes;\n"
    )
    (d / f"{_VERSIONS[1]}_tags.sql").write_text(
        "-- migrate:up\nALTER TABLE notes ADD COLUMN tag text;\n\n"
        "-- migrate:down\nALTER TABLE notes DROP COLUMN tag;\n"
    )
    return d


def test_dbmate_output_keeps_dbmate_history(tmp_path: Path, scratch_db: str, capsys) -> None:
    d = _dbmate_dir(tmp_path)
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 0
    # the live database: the old chain, applied by dbmate (which keeps public.schema_migrations)
    result = replay_into(scratch_db, read_dir(str(d)))
    assert result.ok
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.schema_migrations (version varchar(128) PRIMARY KEY)")
        for v in _VERSIONS:
            conn.execute("INSERT INTO public.schema_migrations VALUES (%s)", (v,))
        conn.execute("INSERT INTO notes VALUES (1, 'kept', 'x')")
    capsys.readouterr()
    argv = ["apply", str(out), "--database-url", scratch_db, "--backup-dir", str(tmp_path / "backups")]
    assert run([*argv, "--dry-run"]) == 0
    assert "history: public.schema_migrations" in capsys.readouterr().out
    assert run(argv) == 0
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        row = conn.execute("SELECT to_regnamespace('supabase_migrations')").fetchone()
        assert row == (None,)
        versions = {r[0] for r in conn.execute("SELECT version FROM public.schema_migrations")}
        assert not versions & set(_VERSIONS) and len(versions) >= 1
        assert conn.execute("SELECT body FROM notes WHERE id = 1").fetchone() == ("kept",)
    # the clean set's versions are recorded now: the output is not applied (nor backed up) again
    capsys.readouterr()
    assert run(argv) == 0
    assert "applied  " not in capsys.readouterr().out
    assert len(list((tmp_path / "backups").glob("*before-apply.manifest.json"))) == 1
