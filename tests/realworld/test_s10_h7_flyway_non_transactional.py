"""Flyway's PostgreSQL parser knows the statements that cannot run in a transaction (CREATE/DROP INDEX
CONCURRENTLY, REINDEX ... CONCURRENTLY, VACUUM, CREATE DATABASE, ALTER SYSTEM, ...) and runs a migration
made only of them without one; a migration that mixes them with other statements is refused (unless
``flyway.mixed``). A Flyway project whose V9 file drops and creates its indexes CONCURRENTLY was reported
as 6 concurrently-in-transaction errors and its replay failed at each of them, though Flyway applies it.
Now only the mixed file is reported (saying what Flyway does), and the replay runs such a file as
Flyway does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgconsolidate.cli import run

from .helpers import migrations

_FILES = {
    "V1__init.sql": (
        "CREATE TABLE jobs (id bigint PRIMARY KEY, queue text NOT NULL, payload jsonb NOT NULL);\n"
        "CREATE INDEX jobs_payload_text ON jobs USING gin (to_tsvector('english', payload::text));\n"
    ),
    "V2__reindex.sql": (
        "-- swap the text index for a jsonb one, without locking writers\n"
        "DROP INDEX CONCURRENTLY IF EXISTS jobs_payload_text;\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS jobs_payload ON jobs USING gin (payload jsonb_path_ops);\n"
    ),
}


def _rules(capsys: pytest.CaptureFixture[str], d: Path) -> list[tuple[str, str, int]]:
    capsys.readouterr()
    run(["analyze", str(d), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    return [
        (f["rule"], f["file"], f["line"])
        for f in doc["findings"]
        if f["rule"] == "concurrently-in-transaction"
    ]


def test_a_file_of_concurrent_statements_runs_as_flyway_runs_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = migrations(tmp_path, _FILES, sub="db/migration")
    assert _rules(capsys, d) == []
    assert run(["replay", str(d)]) == 0
    assert "2 of 2 files in" in capsys.readouterr().out


def test_a_mixed_file_is_reported_with_what_flyway_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(_FILES)
    files["V3__mixed.sql"] = (
        "ALTER TABLE jobs ADD COLUMN queued_at timestamptz;\n"
        "CREATE INDEX CONCURRENTLY jobs_queued_at ON jobs (queued_at);\n"
    )
    d = migrations(tmp_path, files, sub="db/migration")
    assert _rules(capsys, d) == [("concurrently-in-transaction", "V3__mixed.sql", 2)]
    capsys.readouterr()
    run(["analyze", str(d)])
    assert "Flyway refuses a migration that mixes it with transactional statements" in capsys.readouterr().out


def test_other_tools_still_wrap_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = migrations(
        tmp_path,
        {
            "20240101000000_init.sql": _FILES["V1__init.sql"],
            "20240102000000_reindex.sql": _FILES["V2__reindex.sql"],
        },
    )
    assert len(_rules(capsys, d)) == 2
