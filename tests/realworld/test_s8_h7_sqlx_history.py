"""sqlx (Rust) keeps its history in ``_sqlx_migrations`` (version bigint, description, installed_on,
success, checksum bytea = SHA-384 of the file's bytes, execution_time). Its file names
(``<version>_<name>.sql``, or ``.up.sql``/``.down.sql``) are also dbmate's, Supabase's and golang-migrate's:
``sources`` cannot tell them apart by name, so the history table decides. It is read and reconciled like
the other tools' (applied without a file, never applied, a file changed after it ran — an exact byte
check —, a failed row) and left out of drift as history."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.catalog import read_snapshot
from pgconsolidate.cli import run
from pgconsolidate.history import read_history, reconcile
from pgconsolidate.history.model import APPLIED_WITHOUT_FILE, CONTENT_DIFFERS, FAILED, NEVER_APPLIED
from pgconsolidate.history.objects import history_tables_in
from pgconsolidate.history.reader import history_tables
from pgconsolidate.history.reconcile import owning_histories, sqlx_checksum
from pgconsolidate.replay.runner import replay_into
from pgconsolidate.sources.reader import read_dir

from .helpers import migrations

_FILES = {
    "20240101000000_create_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n",
    "20240102000000_add_email.sql": "-- emails\r\nALTER TABLE users ADD COLUMN email text;\r\n",
    "20240103000000_posts.sql": "CREATE TABLE posts (id bigint PRIMARY KEY, author bigint);\n",
}
_SQLX_TABLE = (
    "CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, "
    "installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, "
    "execution_time BIGINT NOT NULL)"
)


def _sqlx_production(d: Path, url: str, rows: list[tuple[int, str, bool, bytes]]) -> None:
    """The files applied, then ``_sqlx_migrations`` with ``rows`` (version, description, success,
    checksum) as sqlx writes them."""
    assert replay_into(url, read_dir(str(d))).ok
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(_SQLX_TABLE)
        for version, description, success, checksum in rows:
            conn.execute(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) "
                "VALUES (%s, %s, %s, %s, 1000)",
                (version, description, success, checksum),
            )


def _sha384(d: Path, name: str) -> bytes:
    return hashlib.sha384((d / name).read_bytes()).digest()


def _write(tmp_path: Path) -> Path:
    d = tmp_path / "migrations"
    d.mkdir()
    for name, text in _FILES.items():
        (d / name).write_bytes(text.encode())  # CRLF kept as written
    return d


def test_history_read_and_reconciled_exactly(tmp_path: Path, scratch_db: str) -> None:
    d = _write(tmp_path)
    mdir = read_dir(str(d))
    assert mdir.tool.value == "supabase"  # by names alone: the history table decides
    changed = hashlib.sha384(_FILES["20240102000000_add_email.sql"].replace("\r\n", "\n").encode()).digest()
    _sqlx_production(
        d,
        scratch_db,
        [
            (20231231000000, "old seed", True, b"\x00" * 48),
            (20240101000000, "create users", True, _sha384(d, "20240101000000_create_users.sql")),
            (20240102000000, "add email", True, changed),  # the same SQL with LF: sqlx compares bytes
        ],
    )
    [h] = read_history(scratch_db)
    assert (h.tool, h.table) == ("sqlx", "public._sqlx_migrations")
    assert h.entries[1].sha384 == _sha384(d, "20240101000000_create_users.sql").hex()
    assert owning_histories([h], mdir.tool.value) == [h]
    r = reconcile(h, mdir)
    kinds = {(i.kind, i.version) for i in r.issues}
    assert kinds == {
        (APPLIED_WITHOUT_FILE, "20231231000000"),
        (CONTENT_DIFFERS, "20240102000000"),
        (NEVER_APPLIED, "20240103000000"),
    }
    text = " | ".join(i.message for i in r.issues)
    assert "SHA-384" in text and "previously applied but has been modified" in text
    assert "sqlx refuses to run without --ignore-missing" in text
    assert (r.applied, r.matched) == (3, 2)


def test_failed_row_and_out_of_order_file(tmp_path: Path, scratch_db: str) -> None:
    d = _write(tmp_path)
    _sqlx_production(
        d,
        scratch_db,
        [
            (20240101000000, "create users", True, _sha384(d, "20240101000000_create_users.sql")),
            (20240103000000, "posts", False, _sha384(d, "20240103000000_posts.sql")),
        ],
    )
    [h] = read_history(scratch_db)
    r = reconcile(h, read_dir(str(d)))
    failed = [i for i in r.issues if i.kind == FAILED]
    assert len(failed) == 1 and "20240103000000" in failed[0].message
    assert "sqlx stops on it" in failed[0].message and "delete its row" in failed[0].message
    # a failed row is not applied: 2 is never applied, nothing newer counts
    assert {i.version for i in r.issues if i.kind == NEVER_APPLIED} == {"20240102000000", "20240103000000"}


def test_reversible_files_and_leading_zeros(tmp_path: Path, scratch_db: str) -> None:
    files = {
        "0001_users.up.sql": "CREATE TABLE users (id int PRIMARY KEY);\n",
        "0001_users.down.sql": "DROP TABLE users;\n",
        "0002_notes.up.sql": "\ufeffCREATE TABLE notes (id int PRIMARY KEY);\n",
        "0002_notes.down.sql": "DROP TABLE notes;\n",
    }
    d = migrations(tmp_path, files)
    mdir = read_dir(str(d))
    assert mdir.tool.value == "golang-migrate"
    notes = read_dir(str(d)).files[1]
    assert sqlx_checksum(notes) == hashlib.sha384((d / "0002_notes.up.sql").read_bytes()).hexdigest()
    _sqlx_production(
        d,
        scratch_db,
        [
            (1, "users", True, _sha384(d, "0001_users.up.sql")),
            (2, "notes", True, _sha384(d, "0002_notes.up.sql")),  # with the BOM, as sqlx reads it
        ],
    )
    [h] = read_history(scratch_db)
    assert owning_histories([h], mdir.tool.value) == [h]
    r = reconcile(h, mdir)
    assert r.clean and r.matched == 2


def test_history_table_is_not_drift(
    tmp_path: Path, scratch_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _write(tmp_path)
    _sqlx_production(
        d, scratch_db, [(20240101000000, "create users", True, _sha384(d, "20240101000000_create_users.sql"))]
    )
    assert history_tables_in(read_snapshot(scratch_db)) == {"public._sqlx_migrations": "sqlx"}
    with psycopg.connect(scratch_db) as conn:
        assert history_tables(conn) == {"public._sqlx_migrations": "sqlx"}
    capsys.readouterr()
    assert run(["compare", scratch_db, str(d)]) == 0
    out = capsys.readouterr().out
    assert "equivalent: no differences" in out and "public._sqlx_migrations (sqlx)" in out
    assert run(["inspect", "--database-url", scratch_db, "--against", str(d), "--format", "json"]) in (0, 1)
    doc = json.loads(capsys.readouterr().out)
    assert doc["drift"]["equivalent"] is True
    [hist] = doc["history"]
    assert hist["tool"] == "sqlx" and hist["table"] == "public._sqlx_migrations"
    plan = tmp_path / "p.toml"
    assert run(["plan", str(d), "--database-url", scratch_db, "-o", str(plan)]) == 0
    text = plan.read_text()
    assert 'history_table = "public._sqlx_migrations"' in text  # the table history_repair.sql writes
    assert not [line for line in text.splitlines() if line.startswith("live_only") and "_sqlx" in line]


def test_apply_of_a_sqlx_directory_is_refused(
    tmp_path: Path, scratch_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _write(tmp_path)
    _sqlx_production(
        d, scratch_db, [(20240101000000, "create users", True, _sha384(d, "20240101000000_create_users.sql"))]
    )
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    for extra in ([], ["--dry-run"]):
        assert run(["apply", str(d), "--database-url", scratch_db, *extra]) == 2
        last = capsys.readouterr().err.strip().splitlines()[-1]
        assert "sqlx's public._sqlx_migrations" in last and "sqlx migrate run" in last
    assert not (tmp_path / ".pgconsolidate").exists()
    with psycopg.connect(scratch_db) as conn:
        assert conn.execute("SELECT to_regnamespace('supabase_migrations')").fetchone() == (None,)
