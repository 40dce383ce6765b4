"""A table named like a migration tool's history table but without the columns that tool writes (an
application's own ``schema_migrations(id, filename, applied)``, a cut-down ``flyway_schema_history``) is
not that tool's history. Was: ``inspect --against DIR`` failed with 'cannot read migration history ...:
column "version" does not exist' (exit 2), even though the real ``supabase_migrations.schema_migrations``
was readable."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.db.connect import connection
from pgconsolidate.history import read_history
from pgconsolidate.history.objects import history_tool


def test_history_tool_needs_the_columns_it_reads() -> None:
    assert history_tool("public", "schema_migrations", ["id", "filename", "applied"]) is None
    assert history_tool("public", "schema_migrations", ["version"]) == "dbmate"
    assert history_tool("public", "schema_migrations", ["version", "dirty"]) == "golang-migrate"
    assert history_tool("supabase_migrations", "schema_migrations", ["version", "name"]) == "supabase"
    assert history_tool("public", "flyway_schema_history", ["installed_rank", "version"]) is None
    assert history_tool("public", "goose_db_version", ["id", "version_id", "is_applied", "tstamp"]) == "goose"
    assert history_tool("public", "goose_db_version", ["id", "version"]) is None


def test_inspect_against_skips_a_look_alike_table(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    files = tmp_path / "supabase" / "migrations"
    files.mkdir(parents=True)
    (files / "20240101000000_t.sql").write_text("CREATE TABLE public.t (id int PRIMARY KEY);\n")
    (files / "20240102000000_u.sql").write_text("CREATE TABLE public.u (id int PRIMARY KEY);\n")
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE public.t (id int PRIMARY KEY);"
            "CREATE SCHEMA supabase_migrations;"
            "CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY, statements text[],"
            " name text);"
            "INSERT INTO supabase_migrations.schema_migrations VALUES ('20240101000000', NULL, 't');"
            "CREATE TABLE public.schema_migrations (id serial PRIMARY KEY, filename text, at timestamptz);"
            "CREATE TABLE public.flyway_schema_history (installed_rank int, version text);"
        )
    tables = read_history(scratch_db)
    assert [(h.tool, h.table) for h in tables] == [("supabase", "supabase_migrations.schema_migrations")]
    code = run(["inspect", "--database-url", scratch_db, "--against", str(files)])
    out = capsys.readouterr()
    assert code == 1, out.err
    assert "20240102000000_u.sql was never applied" in out.out
    # not history: ordinary tables the files do not make
    assert "public.schema_migrations" in out.out and "only in the database" in out.out
