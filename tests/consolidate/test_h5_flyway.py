"""history_repair.sql for Flyway on a real ``flyway_schema_history`` (created the way Flyway creates it on
PostgreSQL): the replaced migrations are marked deleted the way ``flyway repair`` does, the clean set is
recorded as applied with the checksum Flyway computes, and a second run changes nothing."""

from __future__ import annotations

import binascii
import re
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pgconsolidate.db.connect import connection
from pgconsolidate.generate.history import flyway_checksum, flyway_description, generate_history_repair
from pgconsolidate.history.reader import read_history
from pgconsolidate.plan.toml_write import write_plan
from pgconsolidate.verify.pipeline import consolidate, make_plan
from pgconsolidate.verify.replay import run_script

# Flyway's schema history table on PostgreSQL (its createMetaDataTable.sql, with the default name)
FLYWAY_TABLE = """
CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE "public"."flyway_schema_history"
  ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");
"""

OLD = {
    "V1__init.sql": ("1", "CREATE TABLE t (id int);\n"),
    "V2__more_things.sql": ("2", "ALTER TABLE t ADD COLUMN x text;\r\n"),
    "V3__broken.sql": ("3", "SELECT broken;\n"),
    "R__views.sql": (None, "CREATE OR REPLACE VIEW v AS SELECT 1;\n"),
}
CLEAN = {
    "20250101000001": (
        "V20250101000001__initial_schema.sql",
        "-- header\nCREATE TABLE IF NOT EXISTS t (id int);\n",
    ),
    "20250101000002": ("V20250101000002__security_policies.sql", "\ufeffSELECT 1;\r\nSELECT 2;\r\n"),
}


def test_flyway_checksum_is_crc32_of_the_lines() -> None:
    assert flyway_checksum("SELECT 1;\n") == flyway_checksum("SELECT 1;\r\n") == flyway_checksum("SELECT 1;")
    assert flyway_checksum("\ufeffSELECT 1;\n") == flyway_checksum("SELECT 1;\n")
    assert flyway_checksum("a\nb\n") == flyway_checksum("ab") != flyway_checksum("a b")
    # signed 32-bit, like Java's (int) CRC32.getValue()
    for text in ("SELECT 1;", "CREATE TABLE caf\u00e9 (id int);", "x" * 1000):
        unsigned = binascii.crc32(text.encode("utf-8"))
        assert flyway_checksum(text) == (unsigned - 2**32 if unsigned >= 2**31 else unsigned)
        assert -(2**31) <= flyway_checksum(text) < 2**31
    assert any(flyway_checksum(t) < 0 for t in ("a", "b", "c", "d", "e", "f"))
    assert flyway_description("V20250101000001__initial_schema.sql") == "initial schema"


def _effective(url: str) -> tuple[set[str], set[str]]:
    """(versions Flyway sees as applied, versions/scripts it sees as deleted), read the way Flyway reads
    its history: a successful DELETE row marks the earlier rows of its version (or script) deleted."""
    [hist] = read_history(url)
    assert hist.tool == "flyway"
    applied: dict[str, int] = {}
    deleted: set[str] = set()
    for e in sorted(hist.entries, key=lambda e: e.rank or 0):
        key = e.version if e.version is not None else (e.script or "")
        if e.entry_type == "DELETE" and e.success:
            applied.pop(key, None)
            deleted.add(key)
        elif e.success and e.entry_type in ("SQL", "BASELINE"):
            applied[key] = e.rank or 0
            deleted.discard(key)
    return set(applied), deleted


@pytest.mark.parametrize("with_text", [True, False])
def test_flyway_history_repair(scratch_db: str, with_text: bool) -> None:
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(FLYWAY_TABLE.encode())
        for rank, (script, (version, text)) in enumerate(OLD.items(), 1):
            conn.execute(
                "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                "checksum, installed_by, execution_time, success) "
                "VALUES (%s, %s, %s, 'SQL', %s, %s, 'app', 5, %s)",
                (
                    rank,
                    version,
                    flyway_description(script),
                    script,
                    flyway_checksum(text),
                    script != "V3__broken.sql",
                ),
            )
    text = generate_history_repair(
        "public.flyway_schema_history",
        [(v, name.split("__")[1][:-4]) for v, (name, _) in CLEAN.items()],
        [v or "" for v, _ in OLD.values()],
        tool="flyway",
        scripts=CLEAN if with_text else None,
        replaced_files=list(OLD),
    )
    assert ("flyway repair` once" in text) is not with_text
    for run in range(2):
        run_script(scratch_db, text, f"history repair (run {run + 1})")
        applied, deleted = _effective(scratch_db)
        assert applied == set(CLEAN)
        assert deleted == {"1", "2", "R__views.sql"}
        with connection(scratch_db) as conn:
            rows = conn.execute(
                "SELECT installed_rank, version, description, type, script, checksum, success, "
                "execution_time "
                "FROM flyway_schema_history ORDER BY installed_rank"
            ).fetchall()
        # the failed V3 attempt is removed (as flyway repair does); ranks stay unique and increasing
        assert all(r[1] != "3" for r in rows)
        assert [r[0] for r in rows] == sorted({r[0] for r in rows})
        assert len(rows) == 3 + 3 + 2  # 3 kept old rows, 3 DELETE rows, 2 clean-set rows
        dels = {r[4]: r for r in rows if r[3] == "DELETE"}
        assert set(dels) == {"V1__init.sql", "V2__more_things.sql", "R__views.sql"}
        assert dels["V2__more_things.sql"][5] == flyway_checksum(OLD["V2__more_things.sql"][1])
        new = {r[1]: r for r in rows if r[3] == "SQL" and r[1] in CLEAN}
        for version, (name, body) in CLEAN.items():
            row = new[version]
            assert row[4] == name and row[6] is True and row[7] == 0
            assert row[2] == flyway_description(name)
            assert row[5] == (flyway_checksum(body) if with_text else None)


FLYWAY_DIR = {
    "V1__create_items.sql": "CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
    "  name text);\n",
    "V1_1__more.sql": "ALTER TABLE items ADD COLUMN note text;\r\n"
    "CREATE INDEX items_note ON items (note);\r\n",
}


def test_consolidated_flyway_directory_repairs_its_history(tmp_path: Path, scratch_db: str) -> None:
    src = tmp_path / "sql"
    src.mkdir()
    for name, body in FLYWAY_DIR.items():
        (src / name).write_text(body)
    plan = make_plan(str(src), None)
    assert plan.tool == "flyway" and plan.settings.history_table == "public.flyway_schema_history"
    (tmp_path / "plan.toml").write_text(write_plan(plan))
    res = consolidate(str(src), tmp_path / "plan.toml", tmp_path / "out")
    assert res.differences == []
    # "production": the old files applied by Flyway, with its history
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(FLYWAY_TABLE.encode())
        for rank, (name, body) in enumerate(FLYWAY_DIR.items(), 1):
            conn.execute(body.encode())
            conn.execute(
                "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                "checksum, installed_by, execution_time, success) "
                "VALUES (%s, %s, %s, 'SQL', %s, %s, 'app', 3, true)",
                (
                    rank,
                    name[1:].split("__")[0].replace("_", "."),
                    flyway_description(name),
                    name,
                    flyway_checksum(body),
                ),
            )
    repair = (tmp_path / "out" / "history_repair.sql").read_text()
    run_script(scratch_db, repair, "history repair")
    run_script(scratch_db, repair, "history repair (again)")
    applied, deleted = _effective(scratch_db)
    assert applied == {c.version for c in res.clean}
    assert deleted == {"1", "1.1"}
    # the recorded checksums are those Flyway computes from the clean-set files on disk
    with connection(scratch_db) as conn:
        recorded = dict(
            conn.execute(
                "SELECT script, checksum FROM flyway_schema_history WHERE type = 'SQL' AND version = ANY(%s)",
                ([c.version for c in res.clean],),
            ).fetchall()
        )
    on_disk = {
        p.name: flyway_checksum(p.read_bytes().decode("utf-8"))
        for p in (tmp_path / "out" / "migrations").iterdir()
    }
    assert recorded == on_disk and all(name.startswith("V") for name in on_disk)


@given(
    st.text(
        alphabet=st.sampled_from(["a", "é", "\r", "\n", " ", ";", "\ufeff", "\u2028", "\x0b"]), max_size=40
    )
)
def test_flyway_checksum_matches_reading_line_by_line(text: str) -> None:
    """Against a direct model of Flyway's loop: BufferedReader.readLine() splits on \\n, \\r\\n and \\r
    only (not on the other characters str.splitlines() knows), the first line loses a byte order mark,
    every line's UTF-8 bytes go into one CRC-32."""
    lines = re.split(r"\r\n|\r|\n", text)
    if text.endswith(("\r", "\n")):
        lines.pop()
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    crc = 0
    for line in lines:
        crc = zlib.crc32(line.encode("utf-8"), crc)
    assert flyway_checksum(text) == (crc - 2**32 if crc >= 2**31 else crc)
