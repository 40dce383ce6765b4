"""Migration files compared with a database applied by another role than the scratch's (session 11, H12):
RDS, self-hosted or Supabase-like servers where the migrations run as ``owner1``, not ``postgres``. The
files never name that role, so the replay is read as applied by it (owners, the owner's grants, default
privileges' role), said once; an object really owned by another role is still reported."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pgconsolidate.catalog.model import Grant, Snapshot, Table
from pgconsolidate.cli import run
from pgconsolidate.compare.owners import applying_role, as_live_role

FILES = """\
create schema app;
create table app.items (id bigint generated always as identity primary key, name text);
create function app.item_count() returns bigint language sql as 'select count(*) from app.items';
alter default privileges in schema app grant select on tables to public;
grant select on app.items to public;
"""


@pytest.fixture
def project(tmp_path: Path, scratch_db: str) -> Iterator[tuple[Path, str, str]]:
    """A migrations directory and a database owned by a non-superuser role that applied the files."""
    d = tmp_path / "migrations"
    d.mkdir()
    (d / "20240101000000_items.sql").write_text(FILES)
    role = f"h12_owner_{uuid.uuid4().hex[:8]}"
    other = role + "_other"
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        dbname = conn.info.dbname
        conn.execute(f'CREATE ROLE "{role}" CREATEDB CREATEROLE NOSUPERUSER'.encode())
        conn.execute(f'CREATE ROLE "{other}" NOSUPERUSER'.encode())
        conn.execute(f'ALTER DATABASE "{dbname}" OWNER TO "{role}"'.encode())
        conn.execute(f'SET ROLE "{role}"'.encode())
        conn.execute(FILES.encode())
        conn.execute(b"RESET ROLE")
    try:
        yield d, scratch_db, other
    finally:
        with psycopg.connect(scratch_db, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{dbname}" OWNER TO CURRENT_USER'.encode())
            conn.execute(b"DROP SCHEMA IF EXISTS app CASCADE")
            for r in (role, other):
                conn.execute(f'DROP OWNED BY "{r}"'.encode())
                conn.execute(f'DROP ROLE "{r}"'.encode())


def test_files_compared_as_the_databases_role(
    project: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    d, url, _ = project
    assert run(["compare", str(d), url]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "note: files applied as postgres on the scratch server, compared as h12_owner_" in out
    assert "owner:" not in out and "equivalent: no differences" in out
    assert run(["inspect", "--database-url", url, "--against", str(d), "--format", "json"]) in (0, 1)
    doc = json.loads(capsys.readouterr().out)
    assert doc["drift"]["differences"] == []
    assert any("compared as h12_owner_" in n for n in doc["drift"]["notes"])


def test_an_object_owned_by_another_role_is_still_drift(
    project: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    d, url, other = project
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'ALTER FUNCTION app.item_count() OWNER TO "{other}"'.encode())
    capsys.readouterr()
    assert run(["compare", str(d), url]) == 1
    out = capsys.readouterr().out
    assert "~ function app.item_count(): owner: h12_owner_" in out and f"→ {other}" in out
    assert "table app.items" not in out  # the rest is the applying role's: no noise


def test_renamed_role_merges_grants_and_default_privileges() -> None:
    files = Snapshot(
        source="files",
        server_version=180000,
        tables=(
            Table(
                identity="s.t",
                relkind="r",
                persistence="p",
                owner="postgres",
                rls_enabled=False,
                rls_forced=False,
            ),
        ),
        grants=(
            Grant(
                identity="default tables in s by postgres to anon",
                object_kind="default",
                object="tables in s by postgres",
                grantee="anon",
                privileges=("SELECT",),
            ),
            Grant(
                identity="table s.t to owner1",
                object_kind="table",
                object="s.t",
                grantee="owner1",
                privileges=("SELECT",),
            ),
            Grant(
                identity="table s.t to postgres",
                object_kind="table",
                object="s.t",
                grantee="postgres",
                privileges=("INSERT", "SELECT"),
                grantable=("INSERT",),
            ),
        ),
    )
    live = Snapshot(
        source="live",
        server_version=180000,
        tables=(
            Table(
                identity="s.t",
                relkind="r",
                persistence="p",
                owner="owner1",
                rls_enabled=False,
                rls_forced=False,
            ),
        ),
    )
    assert applying_role(files) == "postgres" and applying_role(live) == "owner1"
    mapped, notes = as_live_role(files, live)
    assert len(notes) == 1 and "applied as postgres" in notes[0] and "compared as owner1" in notes[0]
    assert [t.owner for t in mapped.tables if isinstance(t, Table)] == ["owner1"]
    assert [(g.identity, g.privileges, g.grantable) for g in mapped.grants if isinstance(g, Grant)] == [
        ("default tables in s by owner1 to anon", ("SELECT",), ()),
        ("table s.t to owner1", ("INSERT", "SELECT"), ("INSERT",)),
    ]
    assert as_live_role(files, files) == (files, ())
