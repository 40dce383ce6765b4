"""Prisma and drizzle-kit layouts: our own small fixture directories, written by each test."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pgconsolidate.errors import InputError
from pgconsolidate.sources.layouts import parse_journal
from pgconsolidate.sources.model import Scheme
from pgconsolidate.sources.reader import DEFAULT_DIRS, read_dir, resolve_dir


def _prisma(root: Path) -> Path:
    mig = root / "prisma" / "migrations"
    for dirname, sql in [
        ("20240102000000_add_posts", 'CREATE TABLE "Post" (id serial PRIMARY KEY);\n'),
        ("20240101000000_init", 'CREATE TABLE "User" (id serial PRIMARY KEY);\n'),
    ]:
        (mig / dirname).mkdir(parents=True)
        (mig / dirname / "migration.sql").write_text(sql)
    (mig / "migration_lock.toml").write_text('provider = "postgresql"\n')
    return mig


def test_prisma_directories_in_name_order(tmp_path):
    mig = _prisma(tmp_path)
    (mig / "20240103000000_empty_dir").mkdir()
    (mig / "20240101000000_init" / "notes.txt").write_text("x")
    (mig / "README.md").write_text("x")
    mdir = read_dir(mig)
    assert mdir.tool is Scheme.PRISMA
    assert [(f.path, f.version, f.name, f.scheme) for f in mdir.files] == [
        ("20240101000000_init/migration.sql", "20240101000000", "init", Scheme.PRISMA),
        ("20240102000000_add_posts/migration.sql", "20240102000000", "add_posts", Scheme.PRISMA),
    ]
    sql = (mig / "20240101000000_init" / "migration.sql").read_bytes()
    assert mdir.files[0].sha256 == hashlib.sha256(sql).hexdigest()
    reasons = {lo.path: lo.reason for lo in mdir.left_out}
    assert reasons["migration_lock.toml"].startswith("Prisma's provider lock")
    assert "no migration.sql" in reasons["20240103000000_empty_dir/"]
    assert "not migration.sql" in reasons["20240101000000_init/notes.txt"]
    assert "not a migration directory" in reasons["README.md"]
    assert len(mdir.left_out) == 4


def test_prisma_without_lock_file_is_recognised(tmp_path):
    mig = _prisma(tmp_path)
    (mig / "migration_lock.toml").unlink()
    mdir = read_dir(mig)
    assert mdir.tool is Scheme.PRISMA and len(mdir.files) == 2


def _drizzle(root: Path, journal: list[tuple[int, str]] | None) -> Path:
    d = root / "drizzle"
    (d / "meta").mkdir(parents=True)
    (d / "0000_silly_cat.sql").write_text(
        'CREATE TABLE "users" ("id" serial PRIMARY KEY);\n--> statement-breakpoint\nSELECT 1;\n'
    )
    (d / "0001_brave_dog.sql").write_text('ALTER TABLE "users" ADD COLUMN "age" integer;\n')
    (d / "0002_stray_fox.sql").write_text("SELECT 2;\n")
    if journal is not None:
        entries = [{"idx": i, "version": "7", "when": i, "tag": t, "breakpoints": True} for i, t in journal]
        doc = {"version": "7", "dialect": "postgresql", "entries": entries}
        (d / "meta" / "_journal.json").write_text(json.dumps(doc))
    return d


def test_drizzle_orders_by_journal_and_leaves_out_unlisted(tmp_path):
    # the journal is in file order reversed by idx: idx decides, not the list position or the name
    d = _drizzle(tmp_path, [(1, "0000_silly_cat"), (0, "0001_brave_dog"), (2, "0009_gone")])
    mdir = read_dir(d)
    assert mdir.tool is Scheme.DRIZZLE
    assert [(f.path, f.version, f.name, f.scheme) for f in mdir.files] == [
        ("0001_brave_dog.sql", "0001", "brave_dog", Scheme.DRIZZLE),
        ("0000_silly_cat.sql", "0000", "silly_cat", Scheme.DRIZZLE),
    ]
    reasons = {lo.path: lo.reason for lo in mdir.left_out}
    assert reasons["meta/"].startswith("drizzle-kit's journal")
    assert reasons["0002_stray_fox.sql"].startswith("not in meta/_journal.json")
    assert "missing" in reasons["0009_gone.sql"]


def test_drizzle_without_journal_orders_by_number(tmp_path):
    d = _drizzle(tmp_path, None)
    (d / "meta").rmdir()
    mdir = read_dir(d)  # recognised by the statement-breakpoint comments
    assert mdir.tool is Scheme.DRIZZLE
    assert [f.path for f in mdir.files] == ["0000_silly_cat.sql", "0001_brave_dog.sql", "0002_stray_fox.sql"]
    assert all(f.scheme is Scheme.DRIZZLE for f in mdir.files)


def test_plain_four_digit_directory_stays_supabase(tmp_path):
    (tmp_path / "0001_a.sql").write_text("select 1;")
    (tmp_path / "0002_b.sql").write_text("select 2;")
    mdir = read_dir(tmp_path)
    assert mdir.tool is Scheme.SUPABASE and mdir.files[0].scheme is Scheme.SUPABASE


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"{", "not valid JSON"), (b"{}", "no 'entries'"), (b'{"entries": [{"idx": 0}]}', "entry 0")],
)
def test_bad_journal_is_an_input_error(tmp_path, data, message):
    d = _drizzle(tmp_path, None)
    (d / "meta" / "_journal.json").write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_dir(d)
    with pytest.raises(ValueError, match=message):
        parse_journal(data, "j")


def test_default_directories(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _drizzle(tmp_path, [(0, "0000_silly_cat")])
    assert resolve_dir(None) == Path("drizzle")
    _prisma(tmp_path)
    assert resolve_dir(None) == Path("prisma/migrations")  # Prisma's is looked for before drizzle's
    assert read_dir().tool is Scheme.PRISMA
    (tmp_path / "migrations").mkdir()
    assert resolve_dir(None) == Path("migrations")
    assert DEFAULT_DIRS.index("prisma/migrations") > DEFAULT_DIRS.index("migrations")
