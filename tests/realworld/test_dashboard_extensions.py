"""pgvector enabled from the Supabase dashboard: no migration runs CREATE EXTENSION vector, yet the files
use ``vector(3)`` columns. On the Supabase base, replay takes the extension as enabled on the platform
(created in schema extensions first, reported as assumed); the clean set creates it, so a fresh
environment builds. A plain Postgres directory still fails with the missing-extension hint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.replay.runner import available_extensions

_TABLE = "CREATE TABLE public.docs (id bigint PRIMARY KEY, owner uuid, embedding vector(3));\n"
_INDEX = "CREATE INDEX docs_embedding ON public.docs USING hnsw (embedding vector_cosine_ops);\n"


def _dir(tmp_path: Path, supabase: bool) -> Path:
    d = tmp_path / "supabase" / "migrations"
    d.mkdir(parents=True)
    policy = (
        "ALTER TABLE public.docs ENABLE ROW LEVEL SECURITY;\n"
        "CREATE POLICY own ON public.docs USING (owner = auth.uid());\n"
        if supabase
        else ""
    )
    (d / "20240101000000_docs.sql").write_text(_TABLE + _INDEX + policy)
    return d


@pytest.fixture
def vector_available(scratch_server) -> None:
    if "vector" not in available_extensions(scratch_server.admin_url):
        pytest.skip("the scratch server has no pgvector")


def test_dashboard_extension_is_assumed_and_recreated(tmp_path: Path, capsys, vector_available) -> None:
    d = _dir(tmp_path, supabase=True)
    assert run(["replay", str(d), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["failures"] == []
    assert doc["assumed"] == [
        {"extension": "vector", "file": "20240101000000_docs.sql", "line": 1, "needs": "type vector"}
    ]
    assert run(["replay", str(d)]) == 0
    assert "assumed: extension vector" in capsys.readouterr().out
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 0
    manifest = json.loads((out / "pgconsolidate-output.json").read_text())
    assert manifest["verified"] is True
    (line,) = manifest["summary"]["platform"]
    assert line.startswith("20240101000000_docs.sql:1 uses type vector: extension vector")
    files = sorted((out / "migrations").glob("*.sql"))
    assert "CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA extensions;" in files[0].read_text()
    assert any("vector(3)" in f.read_text() for f in files[1:])


def test_plain_postgres_dir_still_fails(tmp_path: Path, capsys, vector_available) -> None:
    d = _dir(tmp_path, supabase=False)
    assert run(["replay", str(d), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["assumed"] == []
    assert "CREATE EXTENSION IF NOT EXISTS vector" in doc["failures"][0]["hint"]
