"""Releasing a fork pool: its helpers' results files are closed on a thread of their own (freeing their
memory off this process's path), all of them, and before the next pool forks."""

from __future__ import annotations

import os

import pytest

import pgconsolidate.analysis.fork_pool as fork_pool
from pgconsolidate.analysis.fork_pool import ForkPool, available

needs_fork = pytest.mark.skipif(not available(), reason="helpers need Linux and 2 cores")


def _payload(i: int) -> bytes:
    return bytes(200_000) + i.to_bytes(4, "little")


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


@needs_fork
def test_released_results_files_are_closed_and_the_results_were_whole() -> None:
    with ForkPool(8, _payload, helpers=1) as pool:
        files = list(pool._files)
        got = {}
        for item in range(8):
            got[item] = pool.result(item)  # the helper takes every item: this process claims none
    assert got == {i: _payload(i) for i in range(8)}
    assert pool._files == []
    fork_pool._closed_meanwhile()
    assert fork_pool._CLOSING == []
    assert not any(_is_open(fd) for fd in files)


@needs_fork
def test_the_next_pool_forks_only_once_the_released_files_are_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []
    real = fork_pool._closed_meanwhile

    def closed() -> None:
        order.append("closed")
        real()

    monkeypatch.setattr(fork_pool, "_closed_meanwhile", closed)
    with ForkPool(4, _payload, helpers=1) as first:
        for item in range(4):
            first.result(item)
    assert len(fork_pool._CLOSING) <= 1  # the first pool's files, unless already closed
    with ForkPool(4, _payload, helpers=1) as second:
        order.append("forked")
        assert fork_pool._CLOSING == []
        for item in range(4):
            assert second.result(item) == _payload(item)
    assert order == ["closed", "closed", "forked"]  # each start waits for the closing, then forks


def test_without_a_thread_the_files_are_closed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> int:
        raise RuntimeError("can't start new thread")

    fork_pool._closed_meanwhile()  # what earlier pools released
    monkeypatch.setattr(fork_pool._thread, "start_new_thread", refuse)
    read, write = os.pipe()
    fork_pool._close_meanwhile([read, write])
    assert fork_pool._CLOSING == []
    assert not _is_open(read) and not _is_open(write)
