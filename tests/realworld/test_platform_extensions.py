"""``supabase db pull`` writes CREATE EXTENSION IF NOT EXISTS for the extensions every hosted project has
(pg_graphql, supabase_vault, ...). A scratch server without them made every such directory fail to replay
and its consolidation "not proven"; on the platform the statement is a no-op."""

from __future__ import annotations

import json
from pathlib import Path

from pgconsolidate.cli import run


def _dir(tmp_path: Path, *extra: str) -> Path:
    d = tmp_path / "supabase" / "migrations"
    d.mkdir(parents=True)
    (d / "20240101000000_pull.sql").write_text(
        'CREATE EXTENSION IF NOT EXISTS "pg_graphql" WITH SCHEMA "graphql";\n'
        'CREATE EXTENSION IF NOT EXISTS "supabase_vault" WITH SCHEMA "vault";\n'
        "CREATE TABLE public.notes (id bigint PRIMARY KEY, owner uuid REFERENCES auth.users (id));\n"
        "ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;\n"
    )
    for i, text in enumerate(extra, 1):
        (d / f"2024010200000{i}_more.sql").write_text(text)
    return d


def test_platform_extension_is_not_a_failure(tmp_path: Path, capsys) -> None:
    d = _dir(tmp_path)
    assert run(["replay", str(d), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["failures"] == [] and doc["skipped"] == []
    assert [p["line"] for p in doc["platform"]] == [1, 2]
    plan, out = tmp_path / "p.toml", tmp_path / "out"
    assert run(["plan", str(d), "-o", str(plan)]) == 0
    assert run(["consolidate", str(d), "--plan", str(plan), "--out", str(out)]) == 0
    manifest = json.loads((out / "pgconsolidate-output.json").read_text())
    assert manifest["verified"] is True
    assert [line.split(" ", 1)[0] for line in manifest["summary"]["platform"]] == [
        "20240101000000_pull.sql:1",
        "20240101000000_pull.sql:2",
    ]
    report = (out / "REPORT.md").read_text()
    assert "## Extensions the platform provides" in report and "supabase_vault" in report


def test_what_needs_a_platform_extension_is_skipped(tmp_path: Path, capsys) -> None:
    d = _dir(tmp_path, "SELECT vault.create_secret('s3cr3t', 'api_key');\n")
    assert run(["replay", str(d), "--keep-going", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    (skipped,) = doc["skipped"]
    assert skipped["file"] == "20240102000001_more.sql"
    assert "needs extension supabase_vault" in skipped["reason"]
    (failure,) = doc["failures"]
    assert failure["root_cause"] is None
    assert "the platform provides extension supabase_vault" in failure["hint"]


def test_without_if_not_exists_it_fails_as_on_the_platform(tmp_path: Path, capsys) -> None:
    d = _dir(tmp_path, 'CREATE EXTENSION "pg_graphql";\n')
    assert run(["replay", str(d), "--keep-going", "--format", "json"]) == 1
    (failure,) = json.loads(capsys.readouterr().out)["failures"]
    assert failure["sqlstate"] == "42710" and failure["file"] == "20240102000001_more.sql"


def test_no_platform_without_the_supabase_base(tmp_path: Path, capsys) -> None:
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "001.sql").write_text('CREATE EXTENSION IF NOT EXISTS "pg_graphql";\nCREATE TABLE t (id int);\n')
    assert run(["replay", str(d), "--keep-going", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["platform"] == [] and doc["failures"][0]["sqlstate"] == "0A000"
