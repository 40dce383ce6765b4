"""Reading a flat directory on the way (``analyze_listed``): files read by whichever process takes their
chunk give the same directory, statements, effects and schema as reading everything first
(``analyze_dir(read_dir(...))``), bad files included, and when the files' up/down markers change the
order the names gave, the effects are folded in the tool's order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import pgconsolidate.analysis.driver as driver
from pgconsolidate.analysis import analyze_dir, analyze_listed
from pgconsolidate.analysis.fork_pool import available
from pgconsolidate.model.types import Analysis
from pgconsolidate.sources.model import Scheme
from pgconsolidate.sources.reader import Listing, assemble, load_listed, read_dir, scan_dir

needs_fork = pytest.mark.skipif(not available(), reason="needs fork, memfd and 2 cores")


def _listed(root: Path, *, parallel: bool, workers: int) -> Analysis:
    listing = scan_dir(root)
    assert isinstance(listing, Listing)
    return analyze_listed(
        len(listing),
        lambda i: load_listed(listing, i),
        lambda loaded: assemble(listing, loaded),
        parallel=parallel,
        workers=workers,
        keep_trees=False,
    )


def _same(got: Analysis, want: Analysis) -> None:
    assert got.mdir == want.mdir
    assert got.files == want.files
    assert [fe.file for fe in got.effects] == [fe.file for fe in want.effects]
    assert [fe.effects for fe in got.effects] == [fe.effects for fe in want.effects]
    assert got.schema.objects == want.schema.objects


def _corpus(root: Path, files: int) -> None:
    for i in range(files):
        ref = f", p bigint references t{i - 1} (id)" if i else ""
        (root / f"{10000 + i}_step.sql").write_text(
            f"create table t{i} (id bigint primary key, e text{ref});\n"
            f"create or replace function f{i}(x int) returns int language plpgsql as $$ begin"
            f" return (select count(*) from t{i}); end $$;\n"
            + (f"alter table t{i - 1} rename to r{i - 1};\n" if i % 7 == 0 and i else "")
        )


def _bad_files(root: Path) -> None:
    (root / "20000_latin1.sql").write_bytes(b"create table b (c text default 'caf\xe9');")
    (root / "20001_nul.sql").write_bytes(b"create table c (x int);\x00")
    (root / "20002_empty.sql").write_text("")
    (root / "20003_loop.sql").symlink_to(root / "20003_loop.sql")
    (root / "20004_syntax.sql").write_text("create tabel oops (x int);\ncreate table e (x int);")
    (root / "20005_bom.sql").write_bytes(b"\xef\xbb\xbfcreate table bom (x int);")
    (root / "20006_drop.down.sql").write_text("drop table e;")
    (root / "notes.txt").write_text("not a migration")
    (root / "archive").mkdir()


@pytest.mark.parametrize("parallel", [False, True])
def test_listed_reading_gives_what_reading_first_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    _corpus(tmp_path, 30)
    _bad_files(tmp_path)
    unreadable = tmp_path / "20007_secret.sql"
    unreadable.write_text("create table s (x int);")
    unreadable.chmod(0)
    monkeypatch.setattr(driver, "CHUNKS_PER_PROCESS", 4)
    try:
        want = analyze_dir(read_dir(tmp_path), workers=1, keep_trees=False)
        got = _listed(tmp_path, parallel=parallel, workers=2)
    finally:
        unreadable.chmod(0o644)
    _same(got, want)
    problems = {f.path: [p.kind for p in f.problems] for f in got.mdir.files if f.problems}
    assert problems["20000_latin1.sql"] == ["encoding"] and problems["20001_nul.sql"] == ["nul-byte"]
    assert problems["20002_empty.sql"] == ["empty"]
    if os.geteuid() != 0:  # root reads a file whatever its mode
        assert problems["20007_secret.sql"] == ["unreadable"]
    left_out = {lo.path for lo in got.mdir.left_out}
    assert {"20003_loop.sql", "notes.txt", "archive/"} <= left_out
    # a <digits>_<name>.down.sql is a migration to the Supabase CLI (and dbmate), which this directory is
    assert "20006_drop.down.sql" in {f.path for f in got.mdir.files}


@pytest.mark.parametrize("parallel", [False, True])
def test_markers_that_reorder_the_files_refold_in_the_tools_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    # by name (Supabase's order) 10_ comes before 2_; goose orders by number: 1, 2, 10
    for version, sql in (
        ("1", "create table a (x int);"),
        ("2", "alter table a rename to b;"),
        ("10", "alter table b add column y int;"),
    ):
        (tmp_path / f"{version}_step.sql").write_text(
            f"-- +goose Up\n{sql}\n-- +goose Down\nselect 1;\n" + "-- padding\n" * 50
        )
    listing = scan_dir(tmp_path)
    assert isinstance(listing, Listing)
    assert listing.tool is Scheme.SUPABASE and listing.names() == ["10_step.sql", "1_step.sql", "2_step.sql"]
    monkeypatch.setattr(driver, "CHUNKS_PER_PROCESS", 2)
    want = analyze_dir(read_dir(tmp_path), workers=1, keep_trees=False)
    got = _listed(tmp_path, parallel=parallel, workers=2)
    assert got.mdir.tool is Scheme.GOOSE
    assert [f.path for f in got.mdir.files] == ["1_step.sql", "2_step.sql", "10_step.sql"]
    _same(got, want)
    assert got.schema.exists("public.b.y") and not got.schema.exists("public.a")


def test_drizzle_looking_names_and_other_layouts_are_read_whole(tmp_path: Path) -> None:
    (tmp_path / "0000_first.sql").write_text("create table a (x int);\n--> statement-breakpoint\n")
    scanned = scan_dir(tmp_path)
    assert not isinstance(scanned, Listing) and scanned == read_dir(tmp_path)
    assert scanned.tool is Scheme.DRIZZLE


@needs_fork
def test_a_dying_helper_leaves_its_files_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _corpus(tmp_path, 40)
    want = analyze_dir(read_dir(tmp_path), workers=1, keep_trees=False)
    monkeypatch.setattr(driver, "CHUNKS_PER_PROCESS", 10)
    shipped = driver._shipped
    calls = []

    def dies_on_third(jobs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            os._exit(9)
        return shipped(jobs)

    monkeypatch.setattr(driver, "_shipped", dies_on_third)
    _same(_listed(tmp_path, parallel=True, workers=2), want)
