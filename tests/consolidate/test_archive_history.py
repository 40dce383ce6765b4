"""archive/ and restore-files with the .disabled mode; history_repair.sql on a real history table."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pgconsolidate.archive.files import apply_in_place, copy_archive, restore_files, write_manifest
from pgconsolidate.db.connect import connection
from pgconsolidate.errors import DatabaseError, InputError
from pgconsolidate.generate.history import generate_history_repair
from pgconsolidate.scratch.supabase import install_supabase_base
from pgconsolidate.verify.replay import run_script


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def _dir(tmp_path: Path) -> Path:
    src = tmp_path / "migrations"
    src.mkdir()
    (src / "001_a.sql").write_bytes(b"create table a (id int);\r\n")  # CRLF kept byte for byte
    (src / "002_b.sql").write_bytes("-- caf\u00e9\ncreate table b (id int);\n".encode())
    (src / "notes.txt").write_text("not a migration")
    return src


@pytest.mark.parametrize("mode", ["copy", "disabled"])
def test_in_place_and_restore_are_byte_identical(tmp_path: Path, mode: str) -> None:
    src = _dir(tmp_path)
    before = _tree(src)
    out = tmp_path / "out"
    entries = copy_archive(src, ["001_a.sql", "002_b.sql"], out / "archive")
    assert _tree(out / "archive") == {k: v for k, v in before.items() if k.endswith(".sql")}
    done = apply_in_place(src, entries, mode, {"20250101000000_schema.sql": b"select 1;\n"})
    write_manifest(out / "archive", src, done)
    names = set(_tree(src))
    assert "20250101000000_schema.sql" in names
    if mode == "disabled":
        assert {"001_a.sql.disabled", "002_b.sql.disabled"} <= names
    else:
        assert "001_a.sql" not in names
    restore_files(out)
    assert _tree(src) == before


def test_restore_refuses_an_edited_clean_file(tmp_path: Path) -> None:
    src = _dir(tmp_path)
    out = tmp_path / "out"
    entries = copy_archive(src, ["001_a.sql", "002_b.sql"], out / "archive")
    write_manifest(out / "archive", src, apply_in_place(src, entries, "copy", {"9_x.sql": b"x"}))
    (src / "9_x.sql").write_text("edited by hand")
    with pytest.raises(InputError, match=r"edited after consolidate.*run restore-files again"):
        restore_files(out)
    assert (src / "9_x.sql").read_text() == "edited by hand"
    assert not (src / "001_a.sql").exists()  # nothing restored
    # the next step the message gives works: the edited file out of the way, the restore goes through
    (src / "9_x.sql").rename(tmp_path / "my_edits.sql")
    restore_files(out)
    assert (src / "001_a.sql").exists() and not (src / "9_x.sql").exists()


def test_history_repair_marks_applied_and_reverted(scratch_db: str) -> None:
    install_supabase_base(scratch_db)
    with connection(scratch_db, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO supabase_migrations.schema_migrations (version, name) "
            "VALUES ('001', 'a'), ('002', 'b')"
        )
    text = generate_history_repair(
        "supabase_migrations.schema_migrations",
        [("20250101000001", "schema"), ("20250101000002", "data")],
        ["001", "002", "003"],
    )
    for _ in range(2):  # idempotent
        run_script(scratch_db, text, "history repair")
        with connection(scratch_db) as conn:
            rows = conn.execute(
                "SELECT version, name FROM supabase_migrations.schema_migrations ORDER BY 1"
            ).fetchall()
        assert rows == [("20250101000001", "schema"), ("20250101000002", "data")]


def test_history_repair_refuses_a_database_without_the_table(scratch_db: str) -> None:
    text = generate_history_repair("supabase_migrations.schema_migrations", [("1", "x")], [])
    with pytest.raises(DatabaseError, match="does not exist"):
        run_script(scratch_db, text, "history repair")
