"""The fork pool under the analysis driver and the rules: every item computed once, by this process or a
helper; a helper's failure or death means the item is computed here; no helper left behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import pgconsolidate.analysis.driver as driver
from pgconsolidate.analysis import analyze_dir
from pgconsolidate.analysis.fork_pool import (
    MAX_ITEMS,
    RELEASED,
    ForkPool,
    HelperLost,
    available,
    reap_released,
)
from pgconsolidate.sources.reader import read_dir

needs_fork = pytest.mark.skipif(not available(), reason="helpers need Linux and 2 cores")
PARENT = os.getpid()


def _square(i: int) -> tuple[int, int]:
    time.sleep(0.01)
    return i * i, os.getpid()


def _drain(pool: ForkPool) -> dict[int, tuple[int, int]]:
    """Every item's result, as the driver collects them: claims first, then the helpers' results."""
    got: dict[int, tuple[int, int]] = {}
    while (item := pool.claim()) is not None:
        got[item] = pool.work(item)
    for item in range(pool.count):
        if item not in got:
            try:
                got[item] = pool.result(item)
            except HelperLost:
                got[item] = pool.work(item)
    return got


@needs_fork
def test_every_item_once_shared_by_both_processes() -> None:
    with ForkPool(40, _square, helpers=1) as pool:
        assert pool.forked
        helper = pool.pids[0]
        got = _drain(pool)
    assert {i: v for i, (v, _) in got.items()} == {i: i * i for i in range(40)}
    assert {pid for _, pid in got.values()} == {os.getpid(), helper}
    assert pool.pids == []
    _assert_reaped(helper)


def _assert_reaped(helper: int) -> None:
    """The helper, released when the block ended (not waited for), is reaped soon after."""
    deadline = time.monotonic() + 30
    while helper in RELEASED and time.monotonic() < deadline:
        time.sleep(0.01)
        reap_released()
    assert helper not in RELEASED
    with pytest.raises(ChildProcessError):
        os.waitpid(helper, os.WNOHANG)  # reaped: no zombie left behind


@needs_fork
def test_polling_sees_finished_items_without_waiting() -> None:
    with ForkPool(3, lambda i: i, helpers=1, order=[2, 1, 0]) as pool:
        deadline = time.monotonic() + 10
        while not pool.finished(2) and time.monotonic() < deadline:
            pool.poll()
            time.sleep(0.01)
        assert pool.finished(2) and pool.result(2) == 2  # handed out first: the helper took it


@needs_fork
def test_items_kept_for_this_process_are_claimed_here_first() -> None:
    with ForkPool(8, _square, helpers=1, mine=[6, 3]) as pool:
        assert pool.claim() == 6 and pool.claim() == 3  # the helper never takes these while others are left
        got = {6: _square(6), 3: _square(3)}
        got.update(_drain(pool))
    assert {i: v for i, (v, _) in got.items()} == {i: i * i for i in range(8)}


def _parent_is_slow(i: int) -> tuple[int, int]:
    if os.getpid() == PARENT:
        time.sleep(0.3)
    return i * i, os.getpid()


@needs_fork
def test_a_helper_with_nothing_else_left_takes_items_kept_here() -> None:
    with ForkPool(4, _parent_is_slow, helpers=1, mine=[0, 1, 2]) as pool:
        helper = pool.pids[0]
        got = _drain(pool)
    assert {i: v for i, (v, _) in got.items()} == {i: i * i for i in range(4)}
    assert got[3][1] == helper  # the helper's own item
    assert any(got[i][1] == helper for i in (1, 2))  # then one this process was slow to reach


def test_without_helpers_items_kept_here_come_first() -> None:
    with ForkPool(4, _square, helpers=0, mine=[2]) as pool:
        assert [pool.claim() for _ in range(5)] == [2, 0, 1, 3, None]


def test_without_helpers_this_process_gets_everything_in_order() -> None:
    with ForkPool(5, _square, helpers=0, order=[4, 3, 2, 1, 0]) as pool:
        assert not pool.forked
        assert [pool.claim() for _ in range(6)] == [4, 3, 2, 1, 0, None]
        with pytest.raises(HelperLost):
            pool.result(0)


def _fails_in_helper(i: int) -> int:
    if os.getpid() != PARENT:
        raise RuntimeError("only in the helper")
    time.sleep(0.01)
    return i


def _dies_in_helper(i: int) -> int:
    if os.getpid() != PARENT:
        os._exit(7)
    return i


@needs_fork
@pytest.mark.parametrize("work", [_fails_in_helper, _dies_in_helper])
def test_a_failing_or_dying_helper_leaves_its_items_to_this_process(work: object) -> None:
    with ForkPool(6, work, helpers=1, order=[1, 0, 2, 3, 4, 5]) as pool:  # type: ignore[arg-type]
        got = _drain(pool)  # type: ignore[arg-type]
    assert got == {i: i for i in range(6)}


@needs_fork
@pytest.mark.parametrize("refused", ["memfd_create", "fork"])
def test_when_the_system_refuses_this_process_does_everything(
    refused: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no(*args: object) -> None:
        raise OSError(24, "refused")

    monkeypatch.setattr(os, refused, no)
    with ForkPool(4, _square, helpers=1) as pool:
        assert not pool.forked
        assert [pool.claim() for _ in range(5)] == [0, 1, 2, 3, None]


def test_too_many_items_are_refused() -> None:
    with pytest.raises(ValueError, match="at most"):
        ForkPool(MAX_ITEMS + 1, _square)


def _corpus(root: Path, files: int) -> None:
    for i in range(files):
        (root / f"{1000 + i}_step.sql").write_text(
            f"create table t{i} (id bigint primary key, v text);\n"
            f"create or replace function f{i}() returns int language sql as $$ select {i} $$;\n"
            + (f"alter table t{i - 1} add column w{i} int;\n" if i else "")
        )


@needs_fork
def test_driver_result_does_not_depend_on_a_dying_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _corpus(tmp_path, 40)
    mdir = read_dir(tmp_path)
    serial = analyze_dir(mdir, workers=1, keep_trees=False)
    monkeypatch.setattr(driver, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(driver, "CHUNK_BYTES", 1)
    shipped = driver._shipped
    calls = []

    def dies_on_third(jobs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            os._exit(9)
        return shipped(jobs)

    monkeypatch.setattr(driver, "_shipped", dies_on_third)
    parallel = analyze_dir(mdir, workers=2, keep_trees=False)
    assert parallel.schema.objects == serial.schema.objects
    assert parallel.files == serial.files
    assert [fe.effects for fe in parallel.effects] == [fe.effects for fe in serial.effects]


@needs_fork
def test_a_failing_block_stops_and_waits_for_its_helpers() -> None:
    """On an exception the helpers are stopped and reaped before the exception goes on (close), while a
    block that ends normally releases them (release: reaped later, never waited for)."""
    with pytest.raises(RuntimeError), ForkPool(40, _square, helpers=1) as pool:
        helper = pool.pids[0]
        raise RuntimeError("the caller failed")
    assert helper not in RELEASED
    with pytest.raises(ChildProcessError):
        os.waitpid(helper, os.WNOHANG)


@needs_fork
def test_a_new_pool_reaps_the_released_helpers() -> None:
    with ForkPool(4, _square, helpers=1) as pool:
        helper = pool.pids[0]
        _drain(pool)
    time.sleep(0.2)  # the helper is gone by now, only not reaped yet (unless release found it gone)
    with ForkPool(4, _square, helpers=1) as pool:
        _drain(pool)
        assert helper not in RELEASED
