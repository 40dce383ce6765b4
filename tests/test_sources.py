from __future__ import annotations

import pytest

from pgconsolidate.sources.model import Scheme
from pgconsolidate.sources.naming import parse_filename, up_section
from pgconsolidate.sources.reader import read_dir


@pytest.mark.parametrize(
    ("filename", "version", "name", "scheme", "direction"),
    [
        ("20250719191801_create_memories.sql", "20250719191801", "create_memories", Scheme.SUPABASE, "up"),
        ("001_ai_agents_tables.sql", "001", "ai_agents_tables", Scheme.SUPABASE, "up"),
        ("V2_1__add_index.sql", "2.1", "add_index", Scheme.FLYWAY, "up"),
        ("R__views.sql", "", "views", Scheme.FLYWAY_REPEATABLE, "up"),
        ("000003_users.up.sql", "000003", "users", Scheme.GOLANG_MIGRATE, "up"),
        ("000003_users.down.sql", "000003", "users", Scheme.GOLANG_MIGRATE, "down"),
        ("0004-add-things.sql", "0004", "add-things", Scheme.NUMBERED, "up"),
    ],
)
def test_parse_filename(filename, version, name, scheme, direction):
    parsed = parse_filename(filename)
    assert parsed is not None
    assert (parsed.version, parsed.name, parsed.scheme, parsed.direction) == (
        version,
        name,
        scheme,
        direction,
    )


@pytest.mark.parametrize("filename", ["manual_cleanup.sql", "README.md", "seed.sql"])
def test_not_migrations(filename):
    assert parse_filename(filename) is None


def test_supabase_order_is_by_file_name(tmp_path):
    for name in ["20250719191801_b.sql", "001_a.sql", "20250119_z.sql", "011_c.sql", "20250119_a.sql"]:
        (tmp_path / name).write_text("select 1;")
    mdir = read_dir(tmp_path)
    assert [f.path for f in mdir.files] == [
        "001_a.sql",
        "011_c.sql",
        "20250119_a.sql",
        "20250119_z.sql",
        "20250719191801_b.sql",
    ]


def test_golang_migrate_orders_numerically(tmp_path):
    for name in ["10_b.up.sql", "9_a.up.sql", "9_a.down.sql"]:
        (tmp_path / name).write_text("select 1;")
    mdir = read_dir(tmp_path)
    assert mdir.tool is Scheme.GOLANG_MIGRATE
    assert [f.path for f in mdir.files] == ["9_a.up.sql", "10_b.up.sql"]
    assert any(lo.path == "9_a.down.sql" and lo.reason == "down migration" for lo in mdir.left_out)


def test_goose_up_section(tmp_path):
    text = "-- +goose Up\nCREATE TABLE t (x int);\n-- +goose Down\nDROP TABLE t;\n"
    (tmp_path / "1_t.sql").write_text(text)
    mdir = read_dir(tmp_path)
    assert mdir.tool is Scheme.GOOSE
    f = mdir.files[0]
    assert "DROP" not in f.forward_sql and "CREATE TABLE" in f.forward_sql
    assert f.span_line == 2
    assert up_section("select 1") is None


def test_left_out_and_problems(tmp_path):
    (tmp_path / "001_ok.sql").write_text("select 1;")
    (tmp_path / "002_latin1.sql").write_bytes(b"select 'caf\xe9';")
    (tmp_path / "003_nul.sql").write_bytes(b"select 1;\x00")
    (tmp_path / "004_empty.sql").write_text("")
    (tmp_path / "005_x.sql.disabled").write_text("select 1;")
    (tmp_path / "archive").mkdir()
    (tmp_path / "fix.sh").write_text("#!/bin/sh")
    (tmp_path / "006_loop.sql").symlink_to(tmp_path / "006_loop.sql")
    (tmp_path / "007_gone.sql").symlink_to(tmp_path / "nowhere.sql")
    mdir = read_dir(tmp_path)
    problems = {f.path: [p.kind for p in f.problems] for f in mdir.files}
    assert problems["002_latin1.sql"] == ["encoding"]
    assert "byte offset 11" in mdir.files[1].problems[0].message
    assert problems["003_nul.sql"] == ["nul-byte"]
    assert problems["004_empty.sql"] == ["empty"]
    reasons = {lo.path: lo.reason for lo in mdir.left_out}
    assert reasons["005_x.sql.disabled"] == "disabled"
    assert reasons["archive/"].startswith("archived")
    assert reasons["fix.sh"] == "not a .sql file"
    assert reasons["006_loop.sql"] == "symbolic link loop"
    assert reasons["007_gone.sql"] == "broken symbolic link (its target does not exist)"


def test_markers_in_any_case_and_only_in_the_head(tmp_path):
    (tmp_path / "1_a.sql").write_text(
        "-- +GOOSE UP\nCREATE TABLE a (x int);\n-- +Goose Down\nDROP TABLE a;\n"
    )
    mdir = read_dir(tmp_path)
    assert mdir.tool is Scheme.GOOSE
    assert "DROP" not in mdir.files[0].forward_sql
    # a marker past the first 64 KiB does not decide the tool (the up section is still cut)
    other = tmp_path / "other"
    other.mkdir()
    padding = "-- " + "x" * 70_000 + "\n"
    (other / "1_b.sql").write_text(padding + "-- migrate:up\nselect 1;\n-- migrate:down\nselect 2;\n")
    mdir = read_dir(other)
    assert mdir.tool is Scheme.SUPABASE
    assert mdir.files[0].forward_sql == "select 1;\n"


def test_dbmate_markers(tmp_path):
    (tmp_path / "20240101_a.sql").write_text("-- migrate:up\nselect 1;\n\n-- migrate:down\nselect 2;\n")
    mdir = read_dir(tmp_path)
    assert mdir.tool is Scheme.DBMATE
    assert mdir.files[0].forward_sql.strip() == "select 1;"
    assert mdir.files[0].span_line == 2


def test_too_large_and_read_file(tmp_path, monkeypatch):
    import hashlib

    from pgconsolidate.sources import reader
    from pgconsolidate.sources.model import FileName

    data = b"select 1;\n" * 10
    (tmp_path / "001_big.sql").write_bytes(data)
    (tmp_path / "002_small.sql").write_bytes(b"select 2;")
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 50)
    mdir = read_dir(tmp_path)
    big, small = mdir.files
    assert [p.kind for p in big.problems] == ["too-large"] and big.text is None and big.size == 100
    assert small.text == "select 2;" and small.sha256 == hashlib.sha256(b"select 2;").hexdigest()
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1000)
    one = reader.read_file(tmp_path, tmp_path / "001_big.sql", FileName("001", "big", Scheme.SUPABASE))
    assert one.path == "001_big.sql" and one.text == data.decode() and one.size == 100
