"""Statements that fail on the empty scratch database for want of a role, an extension or a privilege the
project's databases have are carried into the clean set as written (with the file:line and the reason), not
silently left out; the carried block runs them where they can run and warns where they cannot."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from pgconsolidate.db.connect import connection
from pgconsolidate.generate.carried import Carried, carried_block, environment_statements
from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.replay.model import Location, ReplayFailure, Skipped
from pgconsolidate.verify.pipeline import consolidate, make_plan


def _dbmate(tmp_path: Path, body: str) -> Path:
    src = tmp_path / "db" / "migrations"
    src.mkdir(parents=True)
    (src / "20240101000000_init.sql").write_text(f"-- migrate:up\n{body}\n-- migrate:down\n")
    return src


def test_only_environment_failures_and_their_cascades_are_carried() -> None:
    fails = [
        ReplayFailure("a.sql", 3, "ALTER TABLE t OWNER TO x", "42704", 'role "x" does not exist', ""),
        ReplayFailure("a.sql", 5, "CREATE TABLE t ()", "42P07", 'relation "t" already exists', ""),
        ReplayFailure(
            "a.sql", 7, "CREATE EXTENSION postgis", "0A000", 'extension "postgis" is not available', ""
        ),
        ReplayFailure(
            "a.sql", 8, "CREATE TABLE g", "42704", 'type "geometry" does not exist', "", Location("a.sql", 7)
        ),
        ReplayFailure(
            "a.sql", 9, "CREATE VIEW v", "42P01", 'relation "t2" does not exist', "", Location("a.sql", 5)
        ),
    ]
    skipped = [
        Skipped("b.sql", 1, "CREATE INDEX ON g", "needs extension postgis, which the scratch server lacks")
    ]
    got = environment_statements(fails, skipped)
    assert [(f, line) for f, line, _ in got] == [("a.sql", 3), ("a.sql", 7), ("a.sql", 8), ("b.sql", 1)]
    assert "because a.sql:7 failed" in got[2][2]


def test_carried_block_runs_where_it_can_and_warns_where_it_cannot(scratch_db: str) -> None:
    role = f"pgc_h8_{uuid.uuid4().hex[:10]}"
    block = carried_block(
        Carried("a.sql", 3, 'role "x" does not exist (100% sure)', f"ALTER TABLE t OWNER TO {role};")
    )
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int)")
        warnings: list[str] = []
        conn.add_notice_handler(lambda d: warnings.append(d.message_primary or ""))
        conn.execute(block.encode())  # the role is missing: a warning, not an error
        assert any("a.sql:3 not applied here" in w and "100% sure" in w for w in warnings), warnings
        conn.execute(f'CREATE ROLE "{role}" NOLOGIN'.encode())
        try:
            conn.execute(block.encode())
            owner = conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 't'").fetchone()
            assert owner == (role,)
        finally:
            conn.execute("DROP TABLE t")
            conn.execute(f'DROP ROLE "{role}"'.encode())
    outside = carried_block(Carried("a.sql", 9, "x", "CREATE INDEX CONCURRENTLY i ON t (id)"))
    assert "DO $" not in outside and "-- CREATE INDEX CONCURRENTLY i ON t (id)" in outside


def test_consolidate_carries_what_needs_a_missing_role(tmp_path: Path) -> None:
    role = f"pgc_h8_{uuid.uuid4().hex[:10]}"
    src = _dbmate(
        tmp_path,
        "CREATE TABLE items (id int PRIMARY KEY, name text);\n"
        f"ALTER TABLE items OWNER TO {role};\n"
        f"GRANT SELECT ON items TO {role};\n",
    )
    (tmp_path / "plan.toml").write_text(write_plan(make_plan(str(src), None)))
    res = consolidate(str(src), tmp_path / "plan.toml", tmp_path / "out")
    assert res.differences == [] and res.second_run_differences == []
    (last,) = [c for c in res.clean if c.domain == "carried_statements"]
    assert last.objects == ("STATEMENT 20240101000000_init.sql:3", "STATEMENT 20240101000000_init.sql:4")
    text = (tmp_path / "out" / "migrations" / last.name).read_text()
    assert text.startswith("-- migrate:up\n") and f"ALTER TABLE items OWNER TO {role}" in text
    assert f'role "{role}" does not exist' in text
    report = (tmp_path / "out" / "REPORT.md").read_text()
    assert "## Statements carried as written" in report and "* 20240101000000_init.sql:3" in report


def test_consolidate_carries_what_needs_a_missing_extension(tmp_path: Path, scratch_db: str) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone():
            pytest.skip("this scratch server has PostGIS")
    src = _dbmate(
        tmp_path,
        "CREATE TABLE items (id int PRIMARY KEY);\n"
        "CREATE EXTENSION IF NOT EXISTS postgis;\n"
        "CREATE TABLE places (id int PRIMARY KEY, geom geometry(Point, 4326));\n",
    )
    (tmp_path / "plan.toml").write_text(write_plan(make_plan(str(src), None)))
    res = consolidate(str(src), tmp_path / "plan.toml", tmp_path / "out")
    (last,) = [c for c in res.clean if c.domain == "carried_statements"]
    assert last.objects == ("STATEMENT 20240101000000_init.sql:3", "STATEMENT 20240101000000_init.sql:4")
    assert "CREATE TABLE places (id int PRIMARY KEY, geom geometry(Point, 4326))" in last.text
    # not proven on this server: said, never passed off as verified
    assert any(d.startswith("not proven") and "postgis" in d for d in res.differences), res.differences
