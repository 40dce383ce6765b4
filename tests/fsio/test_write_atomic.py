"""The one atomic file writer: whole new content or the old one, never a temporary file left behind."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from pgconsolidate import fsio
from pgconsolidate.fsio import write_atomic


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_writes_bytes_and_text(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.bin", b"\x00\xffbytes")
    write_atomic(tmp_path / "b.sql", "SELECT 'é';\n")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\xffbytes"
    assert (tmp_path / "b.sql").read_bytes() == "SELECT 'é';\n".encode()
    assert _names(tmp_path) == ["a.bin", "b.sql"]


def test_replaces_and_creates_missing_directories(tmp_path: Path) -> None:
    target = tmp_path / "x" / "y" / "plan.toml"
    write_atomic(str(target), "one")
    write_atomic(target, "two")
    assert target.read_text() == "two"
    assert _names(target.parent) == ["plan.toml"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failure_leaves_old_content_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "REPORT.md"
    target.write_text("old")

    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsio.os, failing, boom)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new" * 1000)
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert _names(tmp_path) == ["REPORT.md"]


def test_interrupt_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fsio.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "new.sql", "x")
    monkeypatch.undo()
    assert _names(tmp_path) == []


def test_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.sql", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.sql").stat().st_mode) == 0o644
    kept = tmp_path / "secret.json"
    kept.write_text("{}")
    kept.chmod(0o600)
    write_atomic(kept, '{"a": 1}')
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kept.read_text() == '{"a": 1}'


def test_concurrent_writers_never_share_a_temporary_file(tmp_path: Path) -> None:
    """Each writer has its own temporary name: the file ends as one writer's whole content."""
    target = tmp_path / "shared.txt"
    contents = [str(i) * 100_000 for i in range(8)]
    threads = [threading.Thread(target=write_atomic, args=(target, c)) for c in contents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert target.read_text() in contents
    assert _names(tmp_path) == ["shared.txt"]


def test_a_leftover_temporary_name_is_not_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name already taken (say, by a writer that crashed) is skipped, not overwritten."""
    tokens = iter(["aaaaaaaa", "aaaaaaaa", "bbbbbbbb"])
    monkeypatch.setattr(fsio.secrets, "token_hex", lambda n: next(tokens))
    leftover = tmp_path / ".out.sql.aaaaaaaa.tmp"
    write_atomic(tmp_path / "first.sql", "1")  # takes .first.sql.aaaaaaaa.tmp, renamed away
    leftover.write_text("someone else's")
    write_atomic(tmp_path / "out.sql", "2")
    assert leftover.read_text() == "someone else's"
    assert (tmp_path / "out.sql").read_text() == "2"


def test_only_a_regular_file_is_replaced(tmp_path: Path) -> None:
    """A pipe, a device or a directory at the path stays what it is (a rename would put a regular file in
    place of /dev/full for every program on the machine); nothing is left behind."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(FileExistsError):
        write_atomic(fifo, "x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    directory = tmp_path / "dir"
    directory.mkdir()
    with pytest.raises(IsADirectoryError):
        write_atomic(directory, "x")
    assert directory.is_dir()
    assert _names(tmp_path) == ["dir", "pipe"]
