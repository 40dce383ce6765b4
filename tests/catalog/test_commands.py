"""``compare``/``diff`` and ``inspect`` end to end through the CLI, on real databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.db.connect import connection
from pgconsolidate.scratch import ScratchServer, throwaway_database

FILES = {
    "20240101000000_init.sql": (
        "CREATE EXTENSION IF NOT EXISTS vector;\n"
        "CREATE TABLE public.memories (\n"
        "  id bigint PRIMARY KEY, content text NOT NULL, embedding vector(1536));\n"
    ),
    "20240102000000_fn.sql": (
        "CREATE FUNCTION public.ollama_chat(prompt text) RETURNS text LANGUAGE sql SECURITY DEFINER\n"
        "  SET search_path = public AS $$ SELECT prompt $$;\n"
    ),
}


def _apply(url: str, sqls: list[str]) -> None:
    with connection(url, autocommit=True) as conn:
        for text in sqls:
            conn.execute(text.encode())


@pytest.fixture
def pair(scratch_server: ScratchServer) -> Iterator[tuple[str, str]]:
    with throwaway_database(scratch_server) as a, throwaway_database(scratch_server) as b:
        _apply(a, list(FILES.values()))
        _apply(b, list(FILES.values()))
        yield a, b


def _migrations(tmp_path: Path) -> Path:
    root = tmp_path / "supabase" / "migrations"
    root.mkdir(parents=True)
    for name, text in FILES.items():
        (root / name).write_text(text)
    return root


def test_compare_equivalent_databases(pair: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = pair
    assert run(["compare", a, b]) == 0
    assert "equivalent" in capsys.readouterr().out


def test_compare_reports_each_difference(pair: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = pair
    _apply(
        b,
        [
            "ALTER TABLE public.memories ALTER COLUMN embedding TYPE vector",
            "ALTER FUNCTION public.ollama_chat(text) SECURITY INVOKER",
            "CREATE TABLE public.extra (id int)",
        ],
    )
    assert run(["diff", a, b]) == 1
    out = capsys.readouterr().out
    assert "~ column public.memories.embedding: type: vector(1536) → vector" in out
    assert "~ function public.ollama_chat(text): security definer → security invoker" in out
    assert "+ table public.extra (only in B) with 2 dependent object(s)" in out  # its column and grant
    assert "grant table public.extra" not in out
    assert "5 differences: 3 only in B, 0 only in A, 2 changed" in out


def test_compare_json(pair: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = pair
    _apply(b, ["ALTER TABLE public.memories ALTER COLUMN content DROP NOT NULL"])
    assert run(["compare", a, b, "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1 and doc["equivalent"] is False
    (d,) = doc["differences"]
    assert d["identity"] == "public.memories.content" and d["change"] == "changed"
    assert d["attributes"] == [{"name": "not_null", "a": True, "b": False, "text": "not null → nullable"}]


def test_compare_with_ignore(pair: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = pair
    _apply(b, ["COMMENT ON TABLE public.memories IS 'x'"])
    assert run(["compare", a, b, "--ignore", "comment"]) == 0
    assert "not compared: comment" in capsys.readouterr().out
    assert run(["compare", a, b, "--ignore", "no_such_attr"]) == 2


def test_compare_snapshot_file_directory_and_database(
    pair: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, _ = pair
    snap = tmp_path / "a.json"
    assert run(["inspect", "--database-url", a, "--output", str(snap)]) == 0
    assert json.loads(snap.read_text())["schema_version"] == 1
    assert run(["compare", str(snap), a]) == 0
    capsys.readouterr()
    assert run(["compare", str(_migrations(tmp_path)), str(snap)]) == 0, capsys.readouterr()


def test_compare_rejects_other_schema_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "old.json"
    bad.write_text(json.dumps({"schema_version": 99, "format": "pgconsolidate-snapshot", "objects": {}}))
    assert run(["compare", str(bad), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "schema_version 99 is not supported" in err


def test_compare_rejects_unknown_argument(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["compare", str(tmp_path / "nope"), str(tmp_path / "nope")]) == 2
    assert "not a database URL" in capsys.readouterr().err


def test_inspect_wrong_password_is_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["inspect", "--database-url", "postgresql://bob:hunter2@127.0.0.1:1/x?connect_timeout=2"])
    err = capsys.readouterr().err
    assert code == 2 and "hunter2" not in err and err.count("\n") == 1 and "Traceback" not in err


def test_inspect_text_and_json(pair: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = pair
    assert run(["inspect", "--database-url", a]) == 0
    text = capsys.readouterr().out
    assert "tables" in text
    assert "row level security: disabled on 1 of 1 tables (public.memories)" in text
    assert "security definer functions: 1, 0 without a fixed search_path" in text
    assert run(["inspect", "--database-url", a, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1
    assert [t["identity"] for t in doc["objects"]["tables"]] == ["public.memories"]


def test_inspect_against_directory_shows_drift_and_history(
    pair: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, _ = pair
    root = _migrations(tmp_path)
    (root / "20240103000000_later.sql").write_text(
        "CREATE INDEX memories_content ON public.memories (content);\n"
    )
    _apply(
        a,
        [
            "CREATE TABLE public.hotfix (id int)",  # made by hand in production
            "CREATE TABLE public.schema_migrations (version varchar(128) PRIMARY KEY)",  # an old dbmate table
            "CREATE SCHEMA supabase_migrations;"
            "CREATE TABLE supabase_migrations.schema_migrations"
            " (version text PRIMARY KEY, statements text[], name text);"
            "INSERT INTO supabase_migrations.schema_migrations VALUES"
            " ('20240101000000', NULL, 'init'), ('20240102000000', NULL, 'fn')",
        ],
    )
    assert run(["inspect", "--database-url", a, "--against", str(root), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    drift = {(d["identity"], d["change"]) for d in doc["drift"]["differences"]}
    assert ("public.hotfix", "added") in drift  # only in the database
    assert ("public.memories_content", "removed") in drift  # only in the files
    assert doc["other_history_tables"] == ["public.schema_migrations"]  # not the directory's tool
    (hist,) = doc["history"]
    assert hist["tool"] == "supabase"
    assert [(i["kind"], i["version"]) for i in hist["issues"]] == [("never-applied", "20240103000000")]
    assert run(["inspect", "--database-url", a, "--against", str(root)]) == 1
    out = capsys.readouterr().out
    assert "+ table public.hotfix (only in the database)" in out
    assert "- index public.memories_content (only in the files)" in out
    assert "never-applied" in out


def test_inspect_role_that_cannot_read_the_catalog(
    scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from psycopg.conninfo import make_conninfo

    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "DO $$ BEGIN CREATE ROLE pgc_cat_blind LOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
        conn.execute("REVOKE SELECT ON pg_catalog.pg_attribute FROM PUBLIC")
    code = run(["inspect", "--database-url", make_conninfo(scratch_db, user="pgc_cat_blind")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "permission denied" in err and "Traceback" not in err


def test_bundled_example_replayed_twice_is_equivalent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two independent replays of the same chain read the same: nothing random leaks into a snapshot."""
    import shutil

    example = Path(__file__).resolve().parents[2] / "examples" / "ai-memory" / "supabase" / "migrations"
    if not example.is_dir():
        pytest.skip("bundled example not present")
    copy = tmp_path / "supabase" / "migrations"
    shutil.copytree(example, copy)
    assert run(["compare", str(example), str(copy), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["equivalent"] is True and doc["differences"] == []
