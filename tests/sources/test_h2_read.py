"""The reader's one-read path: files around the size of the first read arrive whole, and the size limit
holds on both sides of it; the listed path (scan, load each, assemble) gives what ``read_dir`` gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.sources import reader
from pgconsolidate.sources.reader import Listing, assemble, load_listed, read_dir, scan_dir

FIRST = reader.FIRST_READ_BYTES


@pytest.mark.parametrize("size", [0, 1, FIRST - 1, FIRST, FIRST + 1, 3 * FIRST + 7])
def test_files_around_the_first_read_arrive_whole(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f.sql"
    path.write_bytes(bytes(i % 251 for i in range(size)))
    data, got = reader._read_bytes(str(path))
    assert data == path.read_bytes() and got == size


@pytest.mark.parametrize(("size", "limit"), [(100, 50), (FIRST + 10, FIRST), (3 * FIRST, 2 * FIRST)])
def test_the_size_limit_holds_below_and_above_the_first_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, limit: int
) -> None:
    path = tmp_path / "f.sql"
    path.write_bytes(b"x" * size)
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", limit)
    assert reader._read_bytes(str(path)) == (None, size)
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", size)
    assert reader._read_bytes(str(path)) == (b"x" * size, size)


def test_goose_and_dbmate_markers_are_still_found(tmp_path: Path) -> None:
    # '+' signs before the marker, more than the reader looks at one by one
    plus = "select 1 + 2;\n" * (reader._PLUS_PROBES + 3)
    (tmp_path / "1_a.sql").write_text(f"{plus}-- +goose Up\ncreate table a (x int);\n-- +goose Down\n")
    (tmp_path / "2_b.sql").write_text("create table b (x int);\n")
    assert read_dir(tmp_path).tool.value == "goose"
    assert reader._may_have_markers(b"-- +GOOSE UP") and reader._may_have_markers(b"-- migrate:up")
    assert not reader._may_have_markers(plus.encode()) and not reader._may_have_markers(b"a+")


def test_listing_then_loading_gives_what_read_dir_gives(tmp_path: Path) -> None:
    for i, sql in enumerate(["create table a (x int);", "", "select 1;\x00", "-- migrate:up\nselect 1;"]):
        (tmp_path / f"2024010100000{i}_m.sql").write_text(sql)
    (tmp_path / "20240101000009_m.down.sql").write_text("drop table a;")
    (tmp_path / "README.md").write_text("notes")
    listing = scan_dir(tmp_path)
    # the .down.sql file too: dbmate and the Supabase CLI run every <digits>...sql name (it is refused by
    # dbmate later, at replay, for want of its up block)
    assert isinstance(listing, Listing) and len(listing) == 5
    mdir = assemble(listing, [load_listed(listing, i) for i in range(len(listing))])
    assert mdir == read_dir(tmp_path) and mdir.tool.value == "dbmate"


def test_tools_said_to_order_by_name_do() -> None:
    from pgconsolidate.sources.model import Scheme
    from pgconsolidate.sources.naming import order_key, orders_by_name, parse_filename

    names = sorted(
        [
            "2_b.sql",
            "10_a.sql",
            "1_c.sql",
            "V2__x.sql",
            "V10__y.sql",
            "R__z.sql",
            "001-a.sql",
            "20240101_x.sql",
        ]
    )
    parsed = [(n, parse_filename(n)) for n in names]
    items = [(n, p) for n, p in parsed if p is not None]
    for tool in Scheme:
        by_key = [n for n, _ in sorted(items, key=lambda it: order_key(tool, it[0], it[1]))]
        if orders_by_name(tool):
            assert by_key == [n for n, _ in items], tool
    assert not orders_by_name(Scheme.GOOSE) and orders_by_name(Scheme.SUPABASE)
