"""Flyway scans its location recursively: a project that keeps ``db/migration/2023/V5__x.sql`` or
``db/migration/release_2/V2_1__y.sql`` next to (or instead of) files at the top runs them all, in version
order, and records each one's path relative to the location in ``flyway_schema_history.script``. They
were left out as "subdirectory: not read by the migration tool", so inventory, replay and the clean set
missed whatever they create. Other tools' directories (Supabase, goose, dbmate, golang-migrate) still
leave their subdirectories out."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgconsolidate.cli import run
from pgconsolidate.generate.history import flyway_checksum, flyway_description
from pgconsolidate.history import read_history, reconcile
from pgconsolidate.history.model import NEVER_APPLIED
from pgconsolidate.sources.model import Scheme
from pgconsolidate.sources.reader import read_dir

from .helpers import consolidated, migrations

_FILES = {
    "V1__accounts.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);\n",
    "release_2/V2_1__ledger.sql": (
        "CREATE TABLE ledger (id bigint PRIMARY KEY, account bigint REFERENCES accounts);\n"
        "CREATE INDEX ledger_account ON ledger (account);\n"
    ),
    "release_2/V2__rename.sql": "ALTER TABLE accounts RENAME COLUMN name TO title;\n",
    "release_2/notes.md": "release notes\n",
    "2024/q1/V10__amount.sql": "ALTER TABLE ledger ADD COLUMN amount numeric(12, 2) NOT NULL DEFAULT 0;\n",
    "views/R__balances.sql": (
        "CREATE OR REPLACE VIEW balances AS\n"
        "SELECT account, sum(amount) AS total FROM ledger GROUP BY account;\n"
    ),
}


def _project(tmp_path: Path, files: dict[str, str] = _FILES) -> Path:
    d = tmp_path / "db" / "migration"
    for rel, body in files.items():
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        (d / rel).write_text(body)
    return d


def test_subdirectories_are_read_in_version_order(tmp_path: Path) -> None:
    md = read_dir(_project(tmp_path))
    assert md.tool is Scheme.FLYWAY
    assert [f.path for f in md.files] == [
        "V1__accounts.sql",
        "release_2/V2__rename.sql",
        "release_2/V2_1__ledger.sql",
        "2024/q1/V10__amount.sql",
        "views/R__balances.sql",
    ]
    assert [(lo.path, lo.reason) for lo in md.left_out] == [("release_2/notes.md", "not a .sql file")]


def test_only_subdirectories(tmp_path: Path) -> None:
    files = {k: v for k, v in _FILES.items() if "/" in k}
    files["base/V1__accounts.sql"] = _FILES["V1__accounts.sql"]
    md = read_dir(_project(tmp_path, files))
    assert md.tool is Scheme.FLYWAY and md.files[0].path == "base/V1__accounts.sql" and len(md.files) == 5


def test_other_tools_leave_subdirectories_out(tmp_path: Path) -> None:
    d = migrations(tmp_path, {"20240101000000_init.sql": "CREATE TABLE t (id int);\n"})
    (d / "old").mkdir()
    (d / "old" / "V1__x.sql").write_text("SELECT 1;\n")
    md = read_dir(d)
    assert [f.path for f in md.files] == ["20240101000000_init.sql"]
    assert [lo.path for lo in md.left_out] == ["old/"]


def test_replay_and_consolidate_build_what_the_subdirectories_create(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _project(tmp_path)
    assert run(["replay", str(d)]) == 0
    assert "5 of 5 files" in capsys.readouterr().out
    out = consolidated(tmp_path, d)
    clean = "".join(p.read_text() for p in sorted((out / "migrations").glob("*.sql")))
    assert "public.ledger" in clean and "amount numeric(12,2)" in clean and "VIEW public.balances" in clean
    archived = out / "archive" / "2024" / "q1" / "V10__amount.sql"
    assert archived.read_text() == _FILES["2024/q1/V10__amount.sql"]
    capsys.readouterr()
    assert run(["compare", str(d), str(out / "migrations")]) == 0


def test_history_script_is_the_path_in_the_location(tmp_path: Path, scratch_db: str) -> None:
    d = _project(tmp_path)
    md = read_dir(d)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), "
            "description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL, "
            "checksum int, "
            "installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), "
            "execution_time int NOT NULL, success boolean NOT NULL)"
        )
        for rank, f in enumerate(md.files[:3], 1):  # V10 and the view not applied yet
            assert f.text is not None
            conn.execute(f.text.encode())
            conn.execute(
                "INSERT INTO flyway_schema_history VALUES (%s, %s, %s, 'SQL', %s, %s, 'app', now(), 1, true)",
                (rank, f.version, flyway_description(f.path), f.path, flyway_checksum(f.text)),
            )
    [h] = read_history(scratch_db)
    r = reconcile(h, md)
    assert [(i.kind, i.path) for i in r.issues] == [
        (NEVER_APPLIED, "2024/q1/V10__amount.sql"),
        (NEVER_APPLIED, "views/R__balances.sql"),
    ]


def test_a_project_root_is_not_walked_whole(tmp_path: Path) -> None:
    (tmp_path / "web" / "node_modules" / "pkg").mkdir(parents=True)
    for i in range(2100):
        (tmp_path / "web" / f"f{i}.txt").write_text("")
    (tmp_path / "web" / "node_modules" / "pkg" / "V1__x.sql").write_text("SELECT 1;\n")
    md = read_dir(tmp_path)
    assert md.files == () and [lo.path for lo in md.left_out] == ["web/"]
