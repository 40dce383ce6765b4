"""``code integer NOT NULL UNIQUE, ..., PRIMARY KEY (code)`` in one CREATE TABLE (a lookup table of a real
sql-migrate project): PostgreSQL makes one index for identical PRIMARY KEY / UNIQUE constraints of one
statement, the primary key's (no ``..._code_key`` exists). ``duplicate-index`` reported the primary key
as duplicating a unique constraint that never exists. The same constraints in two statements are still
two indexes and still reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import migrations


def _duplicates(tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> list[str]:
    d = migrations(tmp_path, files)
    capsys.readouterr()
    run(["analyze", str(d), "--format", "json", "--select", "duplicate-index"])
    return [f["message"] for f in json.loads(capsys.readouterr().out)["findings"]]


def test_one_statement_one_index(tmp_path: Path, capsys: pytest.CaptureFixture[str], scratch_db: str) -> None:
    body = (
        "CREATE TABLE status (code integer NOT NULL UNIQUE, name text NOT NULL UNIQUE, PRIMARY KEY (code));\n"
        "CREATE TABLE kinds (code integer, UNIQUE (code), CONSTRAINT kinds_pk PRIMARY KEY (code));\n"
    )
    assert _duplicates(tmp_path, capsys, {"20240101000000_status.sql": body}) == []
    import psycopg

    with psycopg.connect(scratch_db, autocommit=True) as conn:  # what PostgreSQL itself makes
        conn.execute(body.encode())
        names = [r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")]
    assert sorted(names) == ["kinds_pk", "status_name_key", "status_pkey"]


def test_two_statements_two_indexes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _duplicates(
        tmp_path,
        capsys,
        {
            "20240101000000_status.sql": "CREATE TABLE status (code integer UNIQUE);\n",
            "20240102000000_pk.sql": "ALTER TABLE status ADD PRIMARY KEY (code);\n",
            "20240103000000_tags.sql": "CREATE TABLE tags (id int);\n"
            "ALTER TABLE tags ADD UNIQUE (id), ADD PRIMARY KEY (id);\n",
        },
    )
    assert len(found) == 2 and "status_pkey" in found[0] and "status_code_key" in found[0]
    assert "tags_pkey" in found[1] or "tags_id_key" in found[1]
